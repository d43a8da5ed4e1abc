-- Rewrites a record's version with its own value: changes nothing, but is a write that reaches
-- the replicas, so a WAIT after it confirms that everything written to the record before (by any
-- client) has reached them. A retried revoke of a key already revoked confirms durability so.
-- KEYS: record.
local ver = redis.call('HGET', KEYS[1], 'ver')
if not ver then return 0 end
redis.call('HSET', KEYS[1], 'ver', ver)
return 1
