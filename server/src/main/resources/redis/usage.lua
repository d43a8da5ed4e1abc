-- Adds a usage delta to a key's record. Never creates the hash: a delta for a deleted key must
-- not resurrect a usage-only record.
-- KEYS: record. ARGV: count, UTC epoch day, last use ms.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'ut', ARGV[1])
if redis.call('HGET', KEYS[1], 'ud') == ARGV[2] then
  redis.call('HINCRBY', KEYS[1], 'un', ARGV[1])
else
  redis.call('HSET', KEYS[1], 'ud', ARGV[2], 'un', ARGV[1])
end
local last = tonumber(redis.call('HGET', KEYS[1], 'lu') or '')
if last == nil or tonumber(ARGV[3]) > last then
  redis.call('HSET', KEYS[1], 'lu', ARGV[3])
end
return 1
