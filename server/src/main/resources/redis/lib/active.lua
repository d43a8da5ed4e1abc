-- Prepended to the scripts that count a project's active keys (create.lua, reserve.lua,
-- revive.lua); see LuaScript.resource(name, libraries).

-- The project's active keys at `now` without a set of them: every indexed key (pending
-- reservations included), less the revoked ones, less those whose expiry has passed. The three
-- sets are kept together by the scripts that change them.
local function active_count(index, revoked, expiring, now)
  return redis.call('ZCARD', index) - redis.call('ZCARD', revoked)
    - redis.call('ZCOUNT', expiring, '-inf', now)
end
