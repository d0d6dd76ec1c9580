#!lua flags=no-writes
-- audit-read: one bounded slice of a campaign read for Reconcile and RebuildRankings, together
-- with the ledger position it was read at (the id of the journal's last entry at that instant:
-- nothing runs between the two, so the slice is what the ledger up to that entry makes it).
-- The caller sizes each slice to take about 2 ms, by the time the last one took (the reply says
-- it), so no call holds Redis for long.
--
-- KEYS[1] campaign hash  cms:{c:<id>}:campaign
-- KEYS[2] ledger stream
-- ARGV[1] what to read; the other ARGV depend on it:
--   'position'                          -> {}  (the policy and the ledger's length, below)
--   'stewards', sid...                  -> per steward: sid, exists (1|0), earned, sales, orders,
--                                          region, group, then its score in rank:stewards, in
--                                          rank:region:<region>, in rank:group:<group> ('' = absent)
--   'orders', orderNo...                -> per order: orderNo, exists (1|0), settled_commission,
--                                          reversed_commission, state, as shared.lua's read_order
--                                          reads the order record
--   'zscan', key, cursor, count, with   -> next cursor, then member, score pairs; with = '1' adds
--                                          after each pair the member's steward hash: exists,
--                                          region, group
--   'hscan', key, cursor, count         -> next cursor, then field, value pairs
--   'sscan', key, cursor, count         -> next cursor, then members
--   'sismember', key, member...         -> 1 or 0 for each member
--   'zscores', key, member...           -> the score of each member ('' = absent)
--   'hvalues', key, field...            -> the value of each field ('' = absent)
--   'ledger', start, count              -> up to count journal entries from start ('-', or
--                                          '(<id>' for after an entry), oldest first, as XRANGE
--                                          gives them: {id, {field, value, ...}} each
-- Keys named in ARGV are without the campaign prefix (e.g. rank:group:g1); they are built with
-- shared.lua's key(), so they carry the campaign's hash tag and share KEYS[1]'s Cluster slot.
--
-- Reply: {'OK', position, policy, ledger length, {rows...}, microseconds the read took} or
-- {'CAMPAIGN_NOT_FOUND', message}

local function micros()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

local function read()
  local began = micros()
  local policy = redis.call('HGET', KEYS[1], 'policy')
  if not policy then
    return {'CAMPAIGN_NOT_FOUND', 'campaign ' .. (string.match(KEYS[1], '{c:(.*)}:campaign$') or KEYS[1])
      .. ' does not exist'}
  end
  local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
  local position = last[1] and last[1][1] or ''
  local length = redis.call('XLEN', KEYS[2])
  local what = ARGV[1]
  local rows = {}
  local function add(v)
    rows[#rows + 1] = v == false and '' or v
  end

  if what == 'stewards' then
    for i = 2, #ARGV do
      local sid = ARGV[i]
      local k = key('steward:' .. sid)
      local v = redis.call('HMGET', k, 'earned', 'sales', 'orders', 'region', 'group')
      add(sid)
      add(tostring(redis.call('EXISTS', k)))
      for j = 1, 5 do
        add(v[j])
      end
      add(redis.call('ZSCORE', key('rank:stewards'), sid))
      add(v[4] and redis.call('ZSCORE', key('rank:region:' .. v[4]), sid) or '')
      add(v[5] and redis.call('ZSCORE', key('rank:group:' .. v[5]), sid) or '')
    end
  elseif what == 'orders' then
    for i = 2, #ARGV do
      local order = read_order(ARGV[i])
      add(ARGV[i])
      if order.state then
        add('1')
        add(int(order.settled_commission or 0))
        add(int(order.reversed_commission))
        add(order.state)
      else
        add('0')
        add('')
        add('')
        add('')
      end
    end
  elseif what == 'zscan' then
    local page = redis.call('ZSCAN', key(ARGV[2]), ARGV[3], 'COUNT', ARGV[4])
    add(page[1])
    local flat = page[2]
    for i = 1, #flat, 2 do
      add(flat[i])
      add(flat[i + 1])
      if ARGV[5] == '1' then
        local k = key('steward:' .. flat[i])
        local v = redis.call('HMGET', k, 'region', 'group')
        add(tostring(redis.call('EXISTS', k)))
        add(v[1])
        add(v[2])
      end
    end
  elseif what == 'hscan' or what == 'sscan' then
    local page = redis.call(string.upper(what), key(ARGV[2]), ARGV[3], 'COUNT', ARGV[4])
    add(page[1])
    for _, v in ipairs(page[2]) do
      add(v)
    end
  elseif what == 'sismember' then
    for i = 3, #ARGV do
      add(tostring(redis.call('SISMEMBER', key(ARGV[2]), ARGV[i])))
    end
  elseif what == 'zscores' then
    for i = 3, #ARGV do
      add(redis.call('ZSCORE', key(ARGV[2]), ARGV[i]))
    end
  elseif what == 'hvalues' then
    for i = 3, #ARGV do
      add(redis.call('HGET', key(ARGV[2]), ARGV[i]))
    end
  elseif what == 'ledger' then
    rows = redis.call('XRANGE', KEYS[2], ARGV[2], '+', 'COUNT', ARGV[3])
  elseif what ~= 'position' then
    return {'MALFORMED_PLAN', 'audit-read: unknown slice ' .. tostring(what)}
  end
  return {'OK', position, policy, length, rows, micros() - began}
end

return read()
