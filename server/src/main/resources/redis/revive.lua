-- Counts a key whose expiry passed toward the project's maximum again, with its new expiry, in
-- the project's slot, like create.lua. A key still counted is accepted as it is.
-- KEYS: project index, revoked index, expiring set, legacy active set.
-- ARGV: now ms, id, max active, new expiry ms ("+inf" = none). lib/active.lua is prepended.
-- Returns -1 when counted, -2 when the project must be migrated first, else the active count.
if redis.call('EXISTS', KEYS[4]) == 1 then return -2 end
local expiry = redis.call('ZSCORE', KEYS[3], ARGV[2])
if not expiry or tonumber(expiry) > tonumber(ARGV[1]) then return -1 end
local active = active_count(KEYS[1], KEYS[2], KEYS[3], ARGV[1])
if active >= tonumber(ARGV[3]) then return active end
if ARGV[4] == '+inf' then
  redis.call('ZREM', KEYS[3], ARGV[2])
else
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[2])
end
return -1
