#!lua flags=no-writes
-- ranking-page: one page of one ranking, read-only.
--
-- KEYS[1]  cms:{c:<id>}:campaign   campaign hash (must exist)
-- KEYS[2]  cms:{c:<id>}:rank:<scope>  the scope's sorted set: member -> net commission, fen
-- KEYS[3]  cms:{c:<id>}:names      steward id -> name (read only when ARGV[3] is '1')
-- ARGV[1]  offset                  0-based position of the first entry in the ranking order
-- ARGV[2]  limit                   how many entries at most (>= 1)
-- ARGV[3]  '1' for steward scopes (display name from KEYS[3]), '0' for groups and regions (the id)
--
-- Order: score descending, then member id ascending. Rank: competition ("1224"), 1 + the number
-- of members with a strictly greater score. The slice is shared.lua's ranked_slice.
--
-- Reply: {'OK', total_members, n, id_1, name_1, score_1, rank_1, ..., id_n, name_n, score_n, rank_n}
--        {'CAMPAIGN_NOT_FOUND', message}

if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'CAMPAIGN_NOT_FOUND', 'campaign ' .. string.match(KEYS[1], '{c:(.*)}') .. ' does not exist'}
end

local offset = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local total = redis.call('ZCARD', KEYS[2])
local entries = {}
if offset < total then
  entries = ranked_slice(KEYS[2], offset, limit)
end

local names = {}
if ARGV[3] == '1' and #entries > 0 then
  local ids = {}
  for j = 1, #entries do
    ids[j] = entries[j][1]
  end
  names = redis.call('HMGET', KEYS[3], unpack(ids))
end

local reply = {'OK', total, #entries}
for j = 1, #entries do
  local e = entries[j]
  reply[#reply + 1] = e[1]
  reply[#reply + 1] = names[j] or e[1]
  reply[#reply + 1] = e[2]
  reply[#reply + 1] = e[3]
end
return reply
