-- Gives the webhook delivery lease up if the owner holds it (RedisDeliveryLease).
-- KEYS[1] lease; ARGV[1] owner.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return 0
