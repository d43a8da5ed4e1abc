-- Claims due lifecycle events (RedisDueEvents): first claims whose lease ran out (their sidecar
-- died), then members due now, each moved to the claimed set with the new lease as its score.
-- KEYS[1] due (zset, score = due millis), KEYS[2] claimed (zset, score = lease end millis)
-- ARGV[1] now (millis), ARGV[2] lease end (millis), ARGV[3] most to claim
-- Returns the claimed members.
local out = {}
local n = tonumber(ARGV[3])
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, n)) do
  redis.call('ZADD', KEYS[2], ARGV[2], m)
  out[#out + 1] = m
end
if #out < n then
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, n - #out)) do
    redis.call('ZREM', KEYS[1], m)
    redis.call('ZADD', KEYS[2], ARGV[2], m)
    out[#out + 1] = m
  end
end
return out
