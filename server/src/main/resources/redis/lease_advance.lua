-- Moves the webhook cursor, fenced by the lease: only its holder may (RedisDeliveryLease).
-- KEYS[1] lease, KEYS[2] cursor; ARGV[1] owner, ARGV[2] event id. Returns 1 if moved.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2])
  return 1
end
return 0
