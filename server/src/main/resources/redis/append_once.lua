-- Appends an event to a stream once per marker (AuditLog.appendOnce); the marker shares the
-- stream's hash tag, so this is atomic on a Cluster too.
-- KEYS[1] marker, KEYS[2] stream
-- ARGV[1] marker TTL (ms), ARGV[2] MAXLEN (approximate), ARGV[3..] field, value, ...
-- Returns 1 if it appended, 0 if the marker was there.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return 1
