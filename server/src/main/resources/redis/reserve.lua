-- Step 1 of a two-step create (a key outside its project's slot), in the project's slot: the
-- checks and the reservation are one atomic step.
-- KEYS: project index, revoked index, expiring set, legacy active set, request id key, pending hash.
-- ARGV: idempotent flag, max active, now ms, position, id, expiry ms ("" = none), request TTL
--       seconds, pending value. lib/active.lua is prepended.
if ARGV[1] == '1' then
  local existing = redis.call('GET', KEYS[5])
  if existing then return {'DUPLICATE', existing} end
end
if redis.call('EXISTS', KEYS[4]) == 1 then return {'MIGRATE'} end
-- an id already reserved in this project is taken; checked before anything is touched
if redis.call('ZSCORE', KEYS[3], ARGV[5]) or redis.call('HEXISTS', KEYS[6], ARGV[5]) == 1 then
  return {'TAKEN'}
end
local active = active_count(KEYS[1], KEYS[2], KEYS[3], ARGV[3])
if active >= tonumber(ARGV[2]) then return {'FULL', active} end
redis.call('ZADD', KEYS[1], 0, ARGV[4])
if ARGV[6] ~= '' then redis.call('ZADD', KEYS[3], ARGV[6], ARGV[5]) end
if ARGV[1] == '1' then redis.call('SET', KEYS[5], ARGV[5], 'EX', ARGV[7]) end
redis.call('HSET', KEYS[6], ARGV[5], ARGV[8])
return {'RESERVED'}
