-- Step 2 of create, in the key's slot. The PUBLISH is part of the script so the write and its
-- invalidation are one atomic step: no crash between them can leave another instance's cache
-- (or negative cache) stale. KEYS: record. ARGV: channel, id, then field/value pairs.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
