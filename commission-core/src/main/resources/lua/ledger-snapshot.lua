-- ledger-snapshot.lua: one consistent view of a campaign, for Reconcile and RebuildRankings.
-- Read-only: it issues no write command.
--
-- KEYS[1] campaign hash  cms:{c:<id>}:campaign
-- KEYS[2] ledger stream
-- KEYS[3] totals hash
-- KEYS[4] placements hash
-- KEYS[5] rank:stewards   KEYS[6] rank:groups   KEYS[7] rank:regions
-- No ARGV.
--
-- The other keys read here (steward:<sid>, order:<no>, rank:region:<r>, rank:group:<g>,
-- rank:region-groups:<r>) are named only by the data: the ledger, the steward hashes, the
-- rankings and the placements hash. The caller cannot know them, so they are built from the
-- prefix (KEYS[1] minus "campaign", shared.lua's key()). Each carries the campaign's {c:<id>}
-- hash tag, so every key read here lives in KEYS[1]'s Cluster slot. Regions, groups and stewards are followed until no
-- new one turns up (a region's rankings name stewards and groups, a steward's hash names its
-- region and group, ...). Orders are those the ledger names.
--
-- Reply: {"CAMPAIGN_NOT_FOUND", message}, or
--   {"OK", policy,
--    ledger,      {{id, {'e', entry}}, ...}               XRANGE - + (shared.lua's journal encoding)
--    totals,      {field, value, ...}
--    placements,  {field, value, ...}
--    rankings,    {{key, {member, score, ...}}, ...}        key without the prefix, e.g. rank:group:g1;
--                                                           every ranking looked at, empty when absent
--    stewards,    {{sid, {field, value, ...}}, ...}         fields empty when the hash is missing
--    orders}      {{orderNo, exists (1|0), settled_commission, reversed_commission, state}, ...}
--                 as shared.lua's read_order reads the order record

local function ledger_snapshot()
  local campaign = KEYS[1]
  if redis.call('EXISTS', campaign) == 0 then
    return {'CAMPAIGN_NOT_FOUND', 'campaign ' .. (string.match(campaign, '{c:(.*)}:campaign$') or campaign)
      .. ' does not exist'}
  end
  local policy = redis.call('HGET', campaign, 'policy')
  if not policy or policy == '' then
    policy = 'FOLLOW'
  end

  -- Regions, groups and stewards to look at: a set per kind and one queue, in discovery order.
  local seen = {region = {}, group = {}, steward = {}}
  local queue = {}
  local function want(kind, id)
    if id and id ~= '' and not seen[kind][id] then
      seen[kind][id] = true
      queue[#queue + 1] = {kind, id}
    end
  end

  local rankings = {}
  local function ranking(name, memberKind)
    local flat = redis.call('ZRANGE', key(name), 0, -1, 'WITHSCORES')
    rankings[#rankings + 1] = {name, flat}
    for i = 1, #flat, 2 do
      want(memberKind, flat[i])
    end
  end

  local ledger = redis.call('XRANGE', KEYS[2], '-', '+')
  local orderSeen, orderIds, settlements = {}, {}, {}
  for _, entry in ipairs(ledger) do
    local f = entry_fields(entry[2][2])
    if f.type == 'settle' then
      settlements[entry[1]] = f
    end
    want('steward', f.steward)
    want('region', f.region)
    want('region', f.from_region)
    want('group', f.group)
    want('group', f.from_group)
    if f.order and not orderSeen[f.order] then
      orderSeen[f.order] = true
      orderIds[#orderIds + 1] = f.order
    end
  end

  local totals = redis.call('HGETALL', KEYS[3])
  local placements = redis.call('HGETALL', KEYS[4])
  for i = 1, #placements, 2 do
    local kind, a, b = string.match(placements[i], '^(%a+):([^:]*):?(.*)$')
    if kind == 'g' then
      want('group', a)
    elseif kind == 'r' then
      want('region', a)
    elseif kind == 'rg' then
      want('region', a)
      want('group', b)
    end
  end
  ranking('rank:stewards', 'steward')
  ranking('rank:groups', 'group')
  ranking('rank:regions', 'region')

  local stewards = {}
  local head = 1
  while head <= #queue do
    local kind, id = queue[head][1], queue[head][2]
    head = head + 1
    if kind == 'region' then
      ranking('rank:region:' .. id, 'steward')
      ranking('rank:region-groups:' .. id, 'group')
    elseif kind == 'group' then
      ranking('rank:group:' .. id, 'steward')
    else
      local hash = redis.call('HGETALL', key('steward:' .. id))
      stewards[#stewards + 1] = {id, hash}
      for i = 1, #hash, 2 do
        if hash[i] == 'region' then
          want('region', hash[i + 1])
        elseif hash[i] == 'group' then
          want('group', hash[i + 1])
        end
      end
    end
  end

  local orders = {}
  for _, orderNo in ipairs(orderIds) do
    local order = read_order(orderNo, settlements)
    if order.state then
      orders[#orders + 1] = {orderNo, '1', int(order.settled_commission or 0), int(order.reversed_commission),
                             order.state}
    else
      orders[#orders + 1] = {orderNo, '0', '', '', ''}
    end
  end

  return {'OK', policy, ledger, totals, placements, rankings, stewards, orders}
end

return ledger_snapshot()
