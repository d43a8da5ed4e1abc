-- Takes the webhook delivery lease if free, or renews it for its holder (RedisDeliveryLease).
-- KEYS[1] lease; ARGV[1] owner, ARGV[2] TTL (ms). Returns 1 if the owner holds it now.
local o = redis.call('GET', KEYS[1])
if o == false or o == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
