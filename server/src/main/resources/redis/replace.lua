-- Compare-and-set on ver, in the key's slot. The pairs are the whole record: fields they leave out
-- are deleted (the codec omits absent optionals), except the usage fields (ut/ud/un/lu), which
-- only usage.lua writes, so flushed counts survive every update. Publishes the invalidation like
-- write_new.lua. KEYS: record. ARGV: expected version, id, invalidation channel, then field/value
-- pairs.
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'ver') ~= ARGV[1] then return 0 end
local keep = {ut = true, ud = true, un = true, lu = true}
for i = 4, #ARGV, 2 do keep[ARGV[i]] = true end
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if not keep[field] then redis.call('HDEL', KEYS[1], field) end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('PUBLISH', ARGV[3], ARGV[2])
return 1
