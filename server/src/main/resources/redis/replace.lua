-- Compare-and-set on ver, in the key's slot. Usage fields (ut/ud/un/lu) are never in the pair
-- list, so flushed counts survive every update. Publishes the invalidation like write_new.lua.
-- KEYS: record. ARGV: expected version, id, invalidation channel, then field/value pairs.
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'ver') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('PUBLISH', ARGV[3], ARGV[2])
return 1
