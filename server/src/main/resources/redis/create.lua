-- Create, when the record shares its project's slot (ids carry it): the checks, the record, the
-- project's indexes and the audit event are one atomic step, and the invalidation is published by
-- the same script. KEYS: record, project index, project active set, request id key, the project's
-- trail, then the all-projects feed when one script may touch it (not on a Cluster).
-- ARGV: idempotent flag, max active, now ms, position, id, active score ("" = revoked), request
-- TTL seconds, invalidation channel, trail bound, event field count n, n event fields, then the
-- record's field/value pairs. lib/trail.lua is prepended.
if ARGV[1] == '1' then
  local existing = redis.call('GET', KEYS[4])
  if existing then return {'DUPLICATE', existing} end
end
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('ZSCORE', KEYS[3], ARGV[5]) then
  return {'TAKEN'}
end
-- expired keys never become active again unless replace re-adds them: drop them here so the
-- active set stays bounded by the project's live keys
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[3])
local active = redis.call('ZCOUNT', KEYS[3], '(' .. ARGV[3], '+inf')
if active >= tonumber(ARGV[2]) then return {'FULL', active} end
local n = tonumber(ARGV[10])
local unwritable = trails_writable(5)
if unwritable then return unwritable end
redis.call('HSET', KEYS[1], unpack(ARGV, 11 + n))
redis.call('ZADD', KEYS[2], 0, ARGV[4])
if ARGV[6] ~= '' then redis.call('ZADD', KEYS[3], ARGV[6], ARGV[5]) end
if ARGV[1] == '1' then redis.call('SET', KEYS[4], ARGV[5], 'EX', ARGV[7]) end
local id = append_event(5, 11, n, ARGV[9])
redis.call('PUBLISH', ARGV[8], ARGV[5])
return {'CREATED', id}
