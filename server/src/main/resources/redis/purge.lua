-- Deletes a key's record if it was revoked at or before the cutoff, and tells every cache.
-- KEYS: record. ARGV: cutoff ms, invalidation channel, id.
-- Returns 1 if deleted, 0 if there is no record, -1 if it is not (long enough) revoked.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local revoked = tonumber(redis.call('HGET', KEYS[1], 'r') or '')
if revoked == nil or revoked > tonumber(ARGV[1]) then return -1 end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
