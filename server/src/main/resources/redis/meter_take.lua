-- KEYS: the limits' states in order, then the credits balance when ARGV[3] is '1'.
-- ARGV: want, limit count n, credits flag, sidecar clock µs; per limit three args: kind and two
--   numbers: 'g' (GCRA) emission interval µs, period µs; 'w' (calendar window) limit, window
--   end µs; then, with credits: cost, generation, amount, refill amount (0 = none), refill
-- window.
-- Grants g = min(want, what every limit and the credits can admit) from all of them, or nothing.
-- Returns {g, per limit: remaining, reset-after µs, retry-after µs (0 = can admit), then with
--   credits: the balance after the grant and 1 if it covered the cost}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local want = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local clock = tonumber(ARGV[4])
local grant = want
local vals = {}
for i = 1, n do
  local a = tonumber(ARGV[3 + 3 * i])
  local b = tonumber(ARGV[4 + 3 * i])
  local v = tonumber(redis.call('GET', KEYS[i]) or '0')
  local free
  if ARGV[2 + 3 * i] == 'g' then
    if v < now then v = now end
    free = math.floor((now + b - v) / a)
  else
    free = a - v
  end
  vals[i] = v
  if free < grant then grant = free end
end
local cost, cg, cr, cw
if ARGV[3] == '1' then
  local c = 5 + 3 * n
  cost = tonumber(ARGV[c])
  local st = redis.call('HMGET', KEYS[n + 1], 'g', 'r', 'w')
  cg = tonumber(st[1] or '-1')
  cr = tonumber(st[2] or '0')
  cw = tonumber(st[3] or '0')
  local win = tonumber(ARGV[c + 4])
  if tonumber(ARGV[c + 1]) > cg then
    cg = tonumber(ARGV[c + 1])
    cr = tonumber(ARGV[c + 2])
    cw = win
  end
  if tonumber(ARGV[c + 3]) > 0 and win > cw then
    cr = tonumber(ARGV[c + 3])
    cw = win
  end
  local free = math.floor(cr / cost)
  if free < grant then grant = free end
end
if grant < 0 then grant = 0 end
local out = {grant}
for i = 1, n do
  local a = tonumber(ARGV[3 + 3 * i])
  local b = tonumber(ARGV[4 + 3 * i])
  local v = vals[i]
  local free, reset
  local retry = 0
  if ARGV[2 + 3 * i] == 'g' then
    free = math.floor((now + b - v) / a)
    if free < 1 then retry = v + a - b - now end
    if grant > 0 then
      v = v + grant * a
      redis.call('SET', KEYS[i], string.format('%d', v), 'PX', math.floor((v - now) / 1000) + 1)
      free = math.floor((now + b - v) / a)
    end
    reset = v - now
  else
    free = a - v
    reset = b - clock
    if reset < 0 then reset = 0 end
    if free < 1 then retry = reset + 1 end
    if grant > 0 then
      v = redis.call('INCRBY', KEYS[i], grant)
      redis.call('PEXPIRE', KEYS[i], math.floor(reset / 1000) + 86400000)
      free = a - v
    end
  end
  if free < 0 then free = 0 end
  out[#out + 1] = free
  out[#out + 1] = reset
  out[#out + 1] = retry
end
if cost then
  local covered = 0
  if cr >= cost then covered = 1 end
  if grant > 0 then
    cr = cr - grant * cost
    redis.call('HSET', KEYS[n + 1], 'g', string.format('%d', cg), 'r', string.format('%d', cr),
      'w', string.format('%d', cw))
  end
  out[#out + 1] = cr
  out[#out + 1] = covered
end
return out
