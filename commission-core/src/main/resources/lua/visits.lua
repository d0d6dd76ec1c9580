-- visits: record a batch of visits. A visitor counts once per scope however often they come:
-- the campaign `c`, and when a steward brought them that steward `s:<id>` and the group `g:<id>`
-- and region `r:<id>` it is placed in at that moment. Sets make it idempotent.
-- KEYS[1] campaign  KEYS[2] visitors:c
-- ARGV[1..] visitor id, steward id ('' = none), in pairs
-- Reply: {'APPLIED', visitors new to the campaign}
local missing = campaign_missing(hash(KEYS[1]))
if missing then
  return missing
end
local by_scope, order, placed = {}, {}, {}
local function count(scope, visitor)
  local list = by_scope[scope]
  if not list then
    list = {}
    by_scope[scope] = list
    order[#order + 1] = scope
  end
  list[#list + 1] = visitor
end
for i = 1, #ARGV, 2 do
  local visitor, steward_id = ARGV[i], ARGV[i + 1]
  count('c', visitor)
  if steward_id ~= '' then
    local at = placed[steward_id]
    if not at then
      local s = redis.call('HMGET', key('steward:' .. steward_id), 'region', 'group')
      if not s[1] then
        return {'STEWARD_NOT_FOUND', 'steward ' .. steward_id .. ' is not registered'}
      end
      at = {s[1], s[2]}
      placed[steward_id] = at
    end
    count('s:' .. steward_id, visitor)
    count('g:' .. at[2], visitor)
    count('r:' .. at[1], visitor)
  end
end
local touched = {}
for i, scope in ipairs(order) do
  touched[i] = key('visitors:' .. scope)
end
redis.call('EXISTS', unpack(touched))
-- checks done; writes
local new = 0
for _, scope in ipairs(order) do
  local added = redis.call('SADD', key('visitors:' .. scope), unpack(by_scope[scope]))
  if scope == 'c' then
    new = added
  end
end
return {'APPLIED', new}
