#!lua flags=no-writes
-- standing: a steward's place in the campaign, its region and its group, read-only.
--
-- KEYS[1]  cms:{c:<id>}:campaign        campaign hash (must exist)
-- KEYS[2]  cms:{c:<id>}:steward:<sid>   steward hash: name, region, group (must exist)
-- KEYS[3]  cms:{c:<id>}:rank:stewards   stewards across the campaign -> net commission, fen
-- KEYS[4]  cms:{c:<id>}:names           steward id -> name, for the neighbours
-- ARGV[1]  steward id
--
-- The region and group rankings, cms:{c:<id>}:rank:region:<r> and cms:{c:<id>}:rank:group:<g>,
-- are known only once the steward hash is read, so they are not in KEYS: the script builds their
-- names with shared.lua's key(), from KEYS[1]'s prefix (KEYS[1] less "campaign"), with the names
-- CampaignKeys uses. They carry the same {c:<id>} hash tag, so they live in the same Cluster slot
-- as every key above.
--
-- Order and ranks as in ranking-page.lua (shared.lua's ranked_slice): score descending, then id
-- ascending; competition ranks.
--
-- Reply: {'OK', steward_id, 3,
--          then for each scope STEWARDS, STEWARDS_IN_REGION, STEWARDS_IN_GROUP:
--          kind, scope_id, rank, members, score, gap_to_above,
--          n_above, (id, name, score, rank) * n_above   -- nearest last
--          n_below, (id, name, score, rank) * n_below}  -- nearest first
--        rank, score and gap are 0 in a scope whose sorted set does not hold the steward.
--        {'CAMPAIGN_NOT_FOUND', message} | {'STEWARD_NOT_FOUND', message}

local campaign_id = string.match(KEYS[1], '{c:(.*)}')
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'CAMPAIGN_NOT_FOUND', 'campaign ' .. campaign_id .. ' does not exist'}
end
local sid = ARGV[1]
local placement = redis.call('HMGET', KEYS[2], 'region', 'group')
if not placement[1] then
  return {'STEWARD_NOT_FOUND', 'steward ' .. sid .. ' is not registered in campaign ' .. campaign_id}
end
local region, group = placement[1], placement[2]

-- One scope: rank, size, score, gap and up to two neighbours each side.
local function scope_standing(kind, scope_id, zset)
  local result = {kind = kind, scope_id = scope_id, members = redis.call('ZCARD', zset),
                  rank = 0, score = 0, gap = 0, above = {}, below = {}}
  local s = redis.call('ZSCORE', zset, sid)
  if not s then
    return result
  end
  local above = redis.call('ZCOUNT', zset, '(' .. s, '+inf')
  local below = redis.call('ZCOUNT', zset, '-inf', '(' .. s)
  -- Position in ranking order: everyone with a greater score, then the tie's ids before ours.
  local position = above + (redis.call('ZRANK', zset, sid) - below)
  result.rank = above + 1
  result.score = tonumber(s)
  if above > 0 then
    local next_up = redis.call('ZRANGEBYSCORE', zset, '(' .. s, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
    result.gap = tonumber(next_up[2]) - result.score
  end
  local first_above = math.max(0, position - 2)
  result.above = ranked_slice(zset, first_above, position - first_above)
  result.below = ranked_slice(zset, position + 1, 2)
  return result
end

local scopes = {
  scope_standing('STEWARDS', '', KEYS[3]),
  scope_standing('STEWARDS_IN_REGION', region, key('rank:region:' .. region)),
  scope_standing('STEWARDS_IN_GROUP', group, key('rank:group:' .. group)),
}

-- Every neighbour's name in one HMGET.
local ids, seen = {}, {}
for _, scope in ipairs(scopes) do
  for _, side in ipairs({scope.above, scope.below}) do
    for _, e in ipairs(side) do
      if not seen[e[1]] then
        seen[e[1]] = true
        ids[#ids + 1] = e[1]
      end
    end
  end
end
local name_of = {}
if #ids > 0 then
  local names = redis.call('HMGET', KEYS[4], unpack(ids))
  for j = 1, #ids do
    name_of[ids[j]] = names[j] or ids[j]
  end
end

local reply = {'OK', sid, #scopes}
local function put_entries(entries)
  reply[#reply + 1] = #entries
  for _, e in ipairs(entries) do
    reply[#reply + 1] = e[1]
    reply[#reply + 1] = name_of[e[1]]
    reply[#reply + 1] = e[2]
    reply[#reply + 1] = e[3]
  end
end
for _, scope in ipairs(scopes) do
  reply[#reply + 1] = scope.kind
  reply[#reply + 1] = scope.scope_id
  reply[#reply + 1] = scope.rank
  reply[#reply + 1] = scope.members
  reply[#reply + 1] = scope.score
  reply[#reply + 1] = scope.gap
  put_entries(scope.above)
  put_entries(scope.below)
end
return reply
