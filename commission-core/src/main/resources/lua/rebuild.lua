-- rebuild.lua: swap in the rankings, totals, steward figures and placement counts that
-- LedgerReplay recomputed from the ledger, as one atomic step, provided the ledger has not moved
-- since it was read (lua/ledger-snapshot.lua).
--
-- KEYS[1]              campaign hash  cms:{c:<id>}:campaign
-- KEYS[2]              ledger stream
-- KEYS[3]              totals hash
-- KEYS[4]              placements hash
-- KEYS[5 .. 4+R]       every rank:* key of the campaign that exists now or will exist; each is
--                      deleted, then refilled with its members (none: it stays deleted)
-- KEYS[5+R .. 4+R+S]   the steward hashes to rewrite
-- ARGV[1]  the id of the last ledger entry replayed ("" for an empty ledger)
-- ARGV[2]  R    ARGV[3]  S    ARGV[4]  P, the number of placement count fields
-- ARGV[5]  totals earned (fen)    ARGV[6]  totals sales (fen)    ARGV[7]  totals orders
-- ARGV[8]  the ranking scope tokens to publish on the events channel, space-separated
-- then, per rank key in KEYS order: n, then n pairs member, score (fen)
-- then, per steward key in KEYS order: earned, sales, orders, region, group
-- then P pairs field, count, for the placements hash
--
-- Reply: {"OK", last id} | {"LEDGER_MOVED", message} | {"CAMPAIGN_NOT_FOUND", message}
--        | {"INVALID_ARGUMENT", message} when the arguments do not add up

local BATCH = 500 -- pairs per ZADD/HSET call, well below Lua's unpack limit

local function rebuild()
  local expectedLast = ARGV[1]
  local r, s, p = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])

  -- Checks first: the campaign, the shape of the arguments, the ledger's position.
  if redis.call('EXISTS', KEYS[1]) == 0 then
    return {'CAMPAIGN_NOT_FOUND', 'campaign ' .. (string.match(KEYS[1], '{c:(.*)}:campaign$') or KEYS[1])
      .. ' does not exist'}
  end
  if not r or not s or not p or #KEYS ~= 4 + r + s then
    return {'MALFORMED_PLAN', 'rebuild: KEYS do not match the counts in ARGV'}
  end
  local rankStart = 9
  local at = rankStart
  for _ = 1, r do
    local n = tonumber(ARGV[at])
    if not n then
      return {'MALFORMED_PLAN', 'rebuild: a ranking member count is missing'}
    end
    at = at + 1 + 2 * n
  end
  local stewardStart = at
  local placementStart = stewardStart + 5 * s
  if #ARGV ~= placementStart - 1 + 2 * p then
    return {'MALFORMED_PLAN', 'rebuild: ARGV does not match its counts'}
  end
  local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
  local lastId = last[1] and last[1][1] or ''
  if lastId ~= expectedLast then
    return {'LEDGER_MOVED', 'the ledger is at "' .. lastId .. '", the rebuild replayed up to "' .. expectedLast .. '"'}
  end

  -- Writes.
  local function put(command, key, from, count)
    local i = 0
    while i < count do
      local take = math.min(BATCH, count - i)
      local args = {}
      for j = 0, take - 1 do
        local a = from + 2 * (i + j)
        if command == 'ZADD' then
          args[#args + 1] = ARGV[a + 1]
          args[#args + 1] = ARGV[a]
        else
          args[#args + 1] = ARGV[a]
          args[#args + 1] = ARGV[a + 1]
        end
      end
      redis.call(command, key, unpack(args))
      i = i + take
    end
  end

  at = rankStart
  for k = 1, r do
    local key = KEYS[4 + k]
    local n = tonumber(ARGV[at])
    redis.call('DEL', key)
    put('ZADD', key, at + 1, n)
    at = at + 1 + 2 * n
  end
  for k = 1, s do
    local a = stewardStart + 5 * (k - 1)
    redis.call('HSET', KEYS[4 + r + k], 'earned', ARGV[a], 'sales', ARGV[a + 1], 'orders', ARGV[a + 2],
      'region', ARGV[a + 3], 'group', ARGV[a + 4])
  end
  redis.call('HSET', KEYS[3], 'earned', ARGV[5], 'sales', ARGV[6], 'orders', ARGV[7])
  redis.call('DEL', KEYS[4])
  put('HSET', KEYS[4], placementStart, p)
  if ARGV[8] ~= '' then
    redis.call('PUBLISH', key('events'), ARGV[8])
  end
  return {'OK', lastId}
end

return rebuild()
