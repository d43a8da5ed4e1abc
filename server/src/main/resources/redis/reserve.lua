-- Step 1 of create, in the project's slot: the checks and the reservation are one atomic step.
-- KEYS: project index, project active set, request id key, pending hash.
-- ARGV: idempotent flag, max active, now ms, position, id, active score ("" = revoked),
--       request TTL seconds, pending value.
if ARGV[1] == '1' then
  local existing = redis.call('GET', KEYS[3])
  if existing then return {'DUPLICATE', existing} end
end
-- an id already active in this project is taken; checked before anything is touched
if redis.call('ZSCORE', KEYS[2], ARGV[5]) or redis.call('HEXISTS', KEYS[4], ARGV[5]) == 1 then
  return {'TAKEN'}
end
-- expired keys never become active again unless replace re-adds them: drop them here so
-- the active set stays bounded by the project's live keys
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
local active = redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[3], '+inf')
if active >= tonumber(ARGV[2]) then return {'FULL', active} end
redis.call('ZADD', KEYS[1], 0, ARGV[4])
if ARGV[6] ~= '' then redis.call('ZADD', KEYS[2], ARGV[6], ARGV[5]) end
if ARGV[1] == '1' then redis.call('SET', KEYS[3], ARGV[5], 'EX', ARGV[7]) end
redis.call('HSET', KEYS[4], ARGV[5], ARGV[8])
return {'RESERVED'}
