-- Create, when the record shares its project's slot (ids carry it): the checks, the record, the
-- project's indexes and the audit event are one atomic step, and the invalidation is published by
-- the same script. KEYS: record, project index, revoked index, expiring set, the project's legacy
-- active set, request id key, the project's trail, then the all-projects feed when one script may
-- touch it (not on a Cluster).
-- ARGV: idempotent flag, max active, now ms, position, id, expiry ms ("" = none), request TTL
-- seconds, invalidation channel, trail bound, event field count n, n event fields, then the
-- record's field/value pairs. lib/active.lua and lib/trail.lua are prepended.
if ARGV[1] == '1' then
  local existing = redis.call('GET', KEYS[6])
  if existing then return {'DUPLICATE', existing} end
end
-- a project still in the layout with an active set is migrated first (by the caller)
if redis.call('EXISTS', KEYS[5]) == 1 then return {'MIGRATE'} end
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('ZSCORE', KEYS[4], ARGV[5]) then
  return {'TAKEN'}
end
local active = active_count(KEYS[2], KEYS[3], KEYS[4], ARGV[3])
if active >= tonumber(ARGV[2]) then return {'FULL', active} end
local n = tonumber(ARGV[10])
local unwritable = trails_writable(7)
if unwritable then return unwritable end
redis.call('HSET', KEYS[1], unpack(ARGV, 11 + n))
redis.call('ZADD', KEYS[2], 0, ARGV[4])
if ARGV[6] ~= '' then redis.call('ZADD', KEYS[4], ARGV[6], ARGV[5]) end
if ARGV[1] == '1' then redis.call('SET', KEYS[6], ARGV[5], 'EX', ARGV[7]) end
local id = append_event(7, 11, n, ARGV[9])
redis.call('PUBLISH', ARGV[8], ARGV[5])
return {'CREATED', id}
