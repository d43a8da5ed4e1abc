-- Counts a revived key toward the project's maximum, in the project's slot, like reserve.lua.
-- KEYS: project active set. ARGV: now ms, id, max active, active score.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then return -1 end
local active = redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf')
if active >= tonumber(ARGV[3]) then return active end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
return -1
