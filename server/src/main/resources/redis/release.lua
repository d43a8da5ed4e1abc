-- Undoes a reservation, only if it is still the pending one given (compare-and-delete).
-- KEYS: project index, expiring set, request id key (may be a dummy), pending hash.
-- ARGV: id, position, expected pending value.
if redis.call('HGET', KEYS[4], ARGV[1]) ~= ARGV[3] then return 0 end
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
return 1
