-- Compare-and-set on ver. The pairs are the whole record: fields they leave out are deleted (the
-- codec omits absent optionals), except the usage fields (ut/ud/un/lu), which only usage.lua
-- writes, so flushed counts survive every update. The invalidation is published by the script.
-- When the record shares its project's slot (ids carry it), the project's expiring set and
-- revoked index and the audit event are written in the same atomic step; otherwise the caller
-- writes them after it.
-- KEYS: record, then (same slot only) project expiring set, project revoked index, the project's
-- trail, the all-projects feed when one script may touch it (not on a Cluster).
-- ARGV: expected version, id, invalidation channel, same-slot flag ('1'/'0'), expiry ms ("" =
-- revoked, "+inf" = none), revoked ms ("" = not revoked), index position, trail bound, event
-- field count n, n event fields, then the record's field/value pairs. lib/trail.lua is prepended.
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
if redis.call('HGET', KEYS[1], 'ver') ~= ARGV[1] then return {0} end
local n = tonumber(ARGV[9])
local first = 10 + n
if ARGV[4] == '1' then
  local unwritable = trails_writable(4)
  if unwritable then return unwritable end
end
local keep = {ut = true, ud = true, un = true, lu = true}
for i = first, #ARGV, 2 do keep[ARGV[i]] = true end
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if not keep[field] then redis.call('HDEL', KEYS[1], field) end
end
redis.call('HSET', KEYS[1], unpack(ARGV, first))
local id = ''
if ARGV[4] == '1' then
  if ARGV[5] == '' or ARGV[5] == '+inf' then
    redis.call('ZREM', KEYS[2], ARGV[2])
  else
    redis.call('ZADD', KEYS[2], ARGV[5], ARGV[2])
  end
  if ARGV[6] ~= '' then redis.call('ZADD', KEYS[3], ARGV[6], ARGV[7]) end
  id = append_event(4, 10, n, ARGV[8])
end
redis.call('PUBLISH', ARGV[3], ARGV[2])
return {1, id}
