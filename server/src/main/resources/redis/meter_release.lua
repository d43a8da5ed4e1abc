-- Gives back calls an earlier take granted. KEYS and ARGV as for the take (want = the count to
-- give back). GCRA arrival times move back (never before now); a window's count drops (a later
-- window is another key, so nothing is given back across a boundary); credits return only to
-- the balance they were taken from (same generation and refill window).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local count = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
for i = 1, n do
  local a = tonumber(ARGV[3 + 3 * i])
  local v = tonumber(redis.call('GET', KEYS[i]) or '0')
  if ARGV[2 + 3 * i] == 'g' then
    if v > now then
      v = v - count * a
      if v <= now then
        redis.call('DEL', KEYS[i])
      else
        redis.call('SET', KEYS[i], string.format('%d', v), 'PX', math.floor((v - now) / 1000) + 1)
      end
    end
  elseif v > 0 then
    redis.call('DECRBY', KEYS[i], math.min(count, v))
  end
end
if ARGV[3] == '1' then
  local c = 5 + 3 * n
  local st = redis.call('HMGET', KEYS[n + 1], 'g', 'w')
  if st[1] == ARGV[c + 1] and st[2] == ARGV[c + 4] then
    redis.call('HINCRBY', KEYS[n + 1], 'r', count * tonumber(ARGV[c]))
  end
end
return 1
