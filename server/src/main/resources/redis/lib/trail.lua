-- Prepended to the scripts that write a key change together with its audit event (create.lua,
-- replace.lua); see LuaScript.resource(name, libraries).

-- An error reply unless every trail KEYS[from..] is a stream or absent, else nil. A script's error
-- does not undo its earlier writes, so the scripts call this before their first write.
local function trails_writable(from)
  for i = from, #KEYS do
    local t = redis.call('TYPE', KEYS[i]).ok
    if t ~= 'stream' and t ~= 'none' then
      return redis.error_reply('WRONGTYPE audit trail ' .. KEYS[i] .. ' is not a stream')
    end
  end
  return nil
end

-- Appends the event ARGV[first .. first + n - 1] (field/value pairs) to every trail KEYS[from..],
-- each trimmed to about `bound` entries; returns the entry id in the first trail ('' for no event).
local function append_event(from, first, n, bound)
  if n == 0 then return '' end
  local event = {unpack(ARGV, first, first + n - 1)}
  local id = ''
  for i = from, #KEYS do
    local added = redis.call('XADD', KEYS[i], 'MAXLEN', '~', bound, '*', unpack(event))
    if i == from then id = added end
  end
  return id
end
