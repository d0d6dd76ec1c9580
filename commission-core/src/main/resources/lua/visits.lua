-- visits: record a batch of visits. A visitor counts once per scope however often they come:
-- the campaign `c`, and when a steward brought them that steward `s:<id>` and the group `g:<id>`
-- and region `r:<id>` it is placed in at that moment. Sets make it idempotent, so a batch is
-- written in slices, one 'record' call each; a batch cut off half way is completed by sending it
-- again. A batch of more than one slice is first checked whole ('check', which writes nothing):
-- stewards are never removed, so a steward the check found is still there when its slice comes.
-- KEYS[1] campaign  KEYS[2] visitors:c
-- ARGV[1] 'check' or 'record'
-- check:  ARGV[2..] the distinct steward ids the batch names      -> {'OK'}
-- record: ARGV[2..] visitor id, steward id ('' = none), in pairs  -> {'APPLIED', visitors new to the campaign}
local missing = campaign_missing(hash(KEYS[1]))
if missing then
  return missing
end
if ARGV[1] == 'check' then
  local stewards = {}
  for i = 2, #ARGV do
    stewards[i - 1] = key('steward:' .. ARGV[i])
  end
  -- One EXISTS for all of them; only when one is missing, find which.
  if #stewards > 0 and redis.call('EXISTS', unpack(stewards)) < #stewards then
    for i, steward in ipairs(stewards) do
      if redis.call('EXISTS', steward) == 0 then
        return {'STEWARD_NOT_FOUND', 'steward ' .. ARGV[i + 1] .. ' is not registered'}
      end
    end
  end
  return {'OK'}
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
for i = 2, #ARGV, 2 do
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
