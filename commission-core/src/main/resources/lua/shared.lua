-- Helpers prepended to every script at load time (see LuaScript.java).
-- KEYS[1] is always the campaign hash `cms:{c:<id>}:campaign`. Keys that depend on a placement
-- read inside the script (a steward's region and group) are built from the same prefix: they
-- carry the same hash tag, so they live in the same Cluster slot as the declared keys.
local PREFIX = string.sub(KEYS[1], 1, #KEYS[1] - #'campaign')
local MAX_TOTAL = 9007199254740992 -- 2^53: beyond it Lua numbers and zset scores lose fen

local function key(name)
  return PREFIX .. name
end

local function hash(k)
  local flat = redis.call('HGETALL', k)
  local t = {}
  for i = 1, #flat, 2 do
    t[flat[i]] = flat[i + 1]
  end
  return t
end

local function num(v)
  return tonumber(v) or 0
end

-- Integers as text without exponent notation (tostring would write 1e+15).
local function int(n)
  return string.format('%d', n)
end

local function split(text, sep)
  local parts = {}
  for part in string.gmatch(text, '([^' .. sep .. ']+)') do
    parts[#parts + 1] = part
  end
  return parts
end

local function fits(value)
  return value < MAX_TOTAL and value > -MAX_TOTAL
end

local function zscore(k, member)
  return num(redis.call('ZSCORE', k, member))
end

-- Commission of `paid` fen under a rule already resolved to fixed fen or basis points; rounded
-- down, capped (cap 0 = none), nothing once nothing is paid.
local function commission(kind, rate, paid, cap)
  if paid <= 0 then
    return 0
  end
  local c
  if kind == 'fixed' then
    c = rate
  else
    c = math.floor(paid * rate / 10000)
  end
  if cap > 0 and c > cap then
    c = cap
  end
  return c
end

-- The campaign rule resolved for one order: ('fixed', fen) or ('rate', bps); tiers pick the
-- highest tier whose min_sales the steward's sales before this order reach.
local function resolve_rule(campaign, sales_before)
  if campaign.rule == 'fixed' or campaign.rule == 'rate' then
    return campaign.rule, tonumber(campaign.rule_value)
  end
  local bps = 0
  for _, tier in ipairs(split(campaign.rule_value, ',')) do
    local bounds = split(tier, ':')
    if sales_before >= tonumber(bounds[1]) then
      bps = tonumber(bounds[2])
    end
  end
  return 'rate', bps
end

-- Announces on `events` the rankings a change at (region, group) may move, and those of
-- (other_region, other_group) when given (a steward who moved): scope tokens such as
-- STEWARDS_IN_GROUP:g1, separated by spaces, each once. Built as one string: a settlement
-- publishes on every call, and lists of tokens cost more than the rest of the announcement.
local function publish(region, group, other_region, other_group)
  local tokens = 'STEWARDS STEWARDS_IN_REGION:' .. region .. ' STEWARDS_IN_GROUP:' .. group
      .. ' GROUPS GROUPS_IN_REGION:' .. region .. ' REGIONS'
  if other_region and other_region ~= region then
    tokens = tokens .. ' STEWARDS_IN_REGION:' .. other_region .. ' GROUPS_IN_REGION:' .. other_region
  end
  if other_group and other_group ~= group then
    tokens = tokens .. ' STEWARDS_IN_GROUP:' .. other_group
  end
  redis.call('PUBLISH', key('events'), tokens)
end

-- Splits `text` at every `sep` (one plain character), keeping empty parts; with `limit`, at most
-- that many parts, the last one holding the rest (free text such as a name may contain `sep`).
local function cut(text, sep, limit)
  local parts, start = {}, 1
  while true do
    local at = (not limit or #parts < limit - 1) and string.find(text, sep, start, true)
    if not at then
      parts[#parts + 1] = string.sub(text, start)
      return parts
    end
    parts[#parts + 1] = string.sub(text, start, at - 1)
    start = at + 1
  end
end

-- The journal entry, one home for its encoding (the Java side decodes it in LedgerEntryDecoder).
-- Each stream entry has one field, `e`, so every entry of a stream node has the fields of the
-- node's master entry and Redis stores no field names per entry. Its value is the entry's fields
-- in a fixed order per type, separated by single spaces, an empty token for an absent field,
-- trailing empty tokens dropped; free text (a name, a reason) comes last and may hold spaces.
-- The time is the stream id's. A settlement's `lines` ("sku*qty*paid,...") give its paid
-- amount and item count, its `rule` token the rule applied: r<bps> or f<fen>, then c<cap> if any
-- (settlement_terms reads them), its `buyer` who bought. A refund's `lines` are the lines it
-- refunded (a refund by amount has none; refunds kept before the settlement have theirs all on
-- the last of their entries).
-- (Field names as text, split only for the one kind a call needs: building every kind's list on
-- every call cost each script more than all its other helpers together.)
local JOURNAL_HEAD = 'type steward delta region group'
local JOURNAL_TAIL = {
  register = ' name',
  settle = ' order lines rule buyer',
  reverse = ' order refund amount unrecovered excess lines',
  adjust = ' adjustment reason',
  transfer = ' transfer from_region from_group moved',
}

-- The field names of a journal entry of type `kind`, in order.
local function journal_layout(kind)
  return split(JOURNAL_HEAD .. (JOURNAL_TAIL[kind] or ''), ' ')
end

-- A rule applied to an order as one token: r<bps> or f<fen>, then c<cap> when capped.
local function rule_token(kind, rate, cap)
  return (kind == 'fixed' and 'f' or 'r') .. int(rate) .. (cap > 0 and ('c' .. int(cap)) or '')
end

-- Appends one entry: `fields` by name (type and the fields of its layout; absent or '' for an
-- empty one); returns its stream id.
local function journal(fields)
  local tokens, last = {}, 0
  for name in string.gmatch(JOURNAL_HEAD .. (JOURNAL_TAIL[fields.type] or ''), '%S+') do
    local value = fields[name] or ''
    tokens[#tokens + 1] = value
    if value ~= '' then
      last = #tokens
    end
  end
  return redis.call('XADD', key('ledger'), '*', 'e', table.concat(tokens, ' ', 1, last))
end

-- The fields of a journal entry's `e` value, by name, as written; absent fields are nil.
local function entry_fields(packed)
  local kind = string.match(packed, '^[^ ]*')
  local layout = journal_layout(kind)
  local fields, start, n = {}, 1, #layout
  for i = 1, n do
    local at = i < n and string.find(packed, ' ', start, true)
    local value = string.sub(packed, start, at and at - 1 or -1)
    if value ~= '' then
      fields[layout[i]] = value
    end
    if not at then
      break
    end
    start = at + 1
  end
  return fields
end

-- A settlement's paid amount and item count, summed from its lines, and its rule spelled out:
-- kind (fixed|rate), rate, cap.
local function settlement_terms(fields)
  local paid, items = 0, 0
  for qty, fen in string.gmatch(fields.lines or '', '[^,*]*%*(%d+)%*(%d+)') do
    items = items + tonumber(qty)
    paid = paid + tonumber(fen)
  end
  local letter, rate, cap = string.match(fields.rule or '', '^(%a)(%d+)c?(%d*)$')
  return paid, items, letter == 'f' and 'fixed' or 'rate', tonumber(rate) or 0, tonumber(cap) or 0
end

-- Lines as "sku*qty*paid,...", summed per SKU: sku to {qty, paid}.
local function lines_by_sku(text)
  local out = {}
  for _, line in ipairs(split(text or '', ',')) do
    local l = cut(line, '*')
    local sum = out[l[1]] or {0, 0}
    out[l[1]] = {sum[1] + num(l[2]), sum[2] + num(l[3])}
  end
  return out
end

-- The order record, one home for its encoding: order_keys, read_order and the writes below.
-- A settled order is one field of `orders:<b>`, one of 4096 hashes per campaign (b: the first
-- three hex digits of the SHA-1 of the order number; CampaignKeys.orderBucket computes the same):
-- order number -> "<settle entry id> <fingerprint> <steward earned after>[ <commission credited>]"
-- (the last only when refunds came first and it differs from the settlement's delta; these answer
-- a replay). Every other fact of the settlement (steward, lines, paid, rule, placement,
-- commission) is in that journal entry and read from there, not stored twice. An order with
-- refunds also has the hash `refunds:<no>`: `refunded` (fen), `reversed_commission`,
-- `unrecovered_commission`, `refund_excess`, `refunded_lines` ("sku*qty*paid,..." refunded by
-- lines), `pending` (refunds kept before the settlement, "<refund id>:<fen>,..." in arrival
-- order) and `refund:<id>` (each refund's fingerprint and result); absent fields are 0 or empty.
local function order_keys(order_no)
  return key('orders:' .. string.sub(redis.sha1hex(order_no), 1, 3)), key('refunds:' .. order_no)
end

-- The order with the names of its facts: state (AWAITING_SETTLEMENT, SETTLED or REFUNDED; nil
-- when nothing is recorded), steward, paid, items, lines, rule, rate, cap, region, group,
-- settled_commission, fp, earned_after, net_at_settle, buyer, ms (settled at, epoch ms), and the
-- refunds' figures. A caller that
-- holds the journal already may pass `entries` (entry id -> entry_fields) to spare the lookup.
local function read_order(order_no, entries)
  local bucket, refunds_key = order_keys(order_no)
  local settlement = redis.call('HGET', bucket, order_no)
  local refunds = hash(refunds_key)
  local order = {
    refunded = num(refunds.refunded),
    reversed_commission = num(refunds.reversed_commission),
    unrecovered_commission = num(refunds.unrecovered_commission),
    refund_excess = num(refunds.refund_excess),
    refunded_lines = refunds.refunded_lines or '',
    pending = refunds.pending or '',
  }
  if settlement then
    local s = cut(settlement, ' ')
    order.entry_id, order.fp, order.earned_after = s[1], s[2], num(s[3])
    local e = entries and entries[s[1]]
    if not e then
      local found = redis.call('XRANGE', key('ledger'), s[1], s[1])
      e = found[1] and entry_fields(found[1][2][2]) or {}
    end
    order.steward, order.region, order.group, order.lines = e.steward, e.region, e.group, e.lines or ''
    order.buyer, order.ms = e.buyer or '', tonumber(string.match(s[1], '^%d+'))
    order.paid, order.items, order.rule, order.rate, order.cap = settlement_terms(e)
    order.settled_commission = num(e.delta)
    order.net_at_settle = s[4] and num(s[4]) or order.settled_commission
    order.state = order.refunded >= order.paid and 'REFUNDED' or 'SETTLED'
  elseif next(refunds) ~= nil then
    order.state = 'AWAITING_SETTLEMENT'
  end
  return order
end

-- Writes: the settlement of an order, as read_order reads it back.
local function write_order_settlement(order_no, entry_id, fp, earned, net, full)
  local bucket = order_keys(order_no)
  local value = table.concat({entry_id, fp, int(earned)}, ' ')
  if net ~= full then
    value = value .. ' ' .. int(net)
  end
  redis.call('HSET', bucket, order_no, value)
end

-- Checks phase helper: would crediting `delta` to the steward and to (region, group) stay in
-- range? Returns nil or a refusal reply.
local function check_credit(steward, region, group, delta)
  local earned = num(steward.earned) + delta
  if earned < 0 then
    return {'INSUFFICIENT_BALANCE', 'steward would go below zero: earned ' .. int(num(steward.earned)) .. ', change ' .. int(delta)}
  end
  if not fits(earned)
      or not fits(num(redis.call('HGET', key('totals'), 'earned')) + delta)
      or not fits(zscore(key('rank:groups'), group) + delta)
      or not fits(zscore(key('rank:region-groups:' .. region), group) + delta)
      or not fits(zscore(key('rank:regions'), region) + delta) then
    return {'TOTAL_OVERFLOW', 'a total would reach 2^53 fen'}
  end
  return nil
end

-- Writes: the steward's net commission changes by `delta`, shown in its own rankings (at its
-- current placement) and credited to (region, group) and the campaign totals.
local function credit(steward_id, steward, region, group, delta)
  local earned = redis.call('HINCRBY', key('steward:' .. steward_id), 'earned', int(delta))
  redis.call('ZADD', key('rank:stewards'), earned, steward_id)
  redis.call('ZADD', key('rank:region:' .. steward.region), earned, steward_id)
  redis.call('ZADD', key('rank:group:' .. steward.group), earned, steward_id)
  redis.call('ZINCRBY', key('rank:groups'), int(delta), group)
  redis.call('ZINCRBY', key('rank:region-groups:' .. region), int(delta), group)
  redis.call('ZINCRBY', key('rank:regions'), int(delta), region)
  redis.call('HINCRBY', key('totals'), 'earned', int(delta))
  steward.earned = earned
  return earned
end

-- A steward enters (region, group): it is listed in their steward rankings, and the group and
-- region are listed (at their current score, 0 if new).
local function join(steward_id, earned, region, group)
  redis.call('ZADD', key('rank:region:' .. region), earned, steward_id)
  redis.call('ZADD', key('rank:group:' .. group), earned, steward_id)
  redis.call('HINCRBY', key('placements'), 'g:' .. group, 1)
  redis.call('HINCRBY', key('placements'), 'r:' .. region, 1)
  redis.call('HINCRBY', key('placements'), 'rg:' .. region .. ':' .. group, 1)
  redis.call('ZINCRBY', key('rank:groups'), 0, group)
  redis.call('ZINCRBY', key('rank:region-groups:' .. region), 0, group)
  redis.call('ZINCRBY', key('rank:regions'), 0, region)
end

-- A steward leaves (region, group). Under FOLLOW a group, region or pair left without members
-- leaves the rankings (its score is 0 by then); under STAY it stays listed with what it earned.
local function leave(steward_id, region, group, follow)
  redis.call('ZREM', key('rank:region:' .. region), steward_id)
  redis.call('ZREM', key('rank:group:' .. group), steward_id)
  local counts = {
    {'g:' .. group, key('rank:groups'), group},
    {'r:' .. region, key('rank:regions'), region},
    {'rg:' .. region .. ':' .. group, key('rank:region-groups:' .. region), group},
  }
  for _, c in ipairs(counts) do
    if redis.call('HINCRBY', key('placements'), c[1], -1) <= 0 then
      redis.call('HDEL', key('placements'), c[1])
      if follow then
        redis.call('ZREM', c[2], c[3])
      end
    end
  end
end

-- Checks phase helper for a move: would the commission that moves fit its new group and region?
-- A group or region the steward stays in (a move within a region, or to the same group id in
-- another region) keeps what moves, so only `extra` is added to it.
local function check_move(steward, to_region, to_group, follow, extra)
  local moved = follow and num(steward.earned) or 0
  local delta = moved + (extra or 0)
  local into_group = (steward.group == to_group and 0 or moved) + (extra or 0)
  local into_region = (steward.region == to_region and 0 or moved) + (extra or 0)
  if not fits(zscore(key('rank:groups'), to_group) + into_group)
      or not fits(zscore(key('rank:region-groups:' .. to_region), to_group) + delta)
      or not fits(zscore(key('rank:regions'), to_region) + into_region) then
    return {'TOTAL_OVERFLOW', 'a total would reach 2^53 fen'}
  end
  return nil
end

-- Writes: move a steward to (to_region, to_group); under FOLLOW its net commission moves too.
-- Journals the transfer and returns the commission moved.
local function move(steward_id, steward, to_region, to_group, follow, transfer_id)
  local from_region, from_group = steward.region, steward.group
  local moved = follow and num(steward.earned) or 0
  if moved ~= 0 then
    redis.call('ZINCRBY', key('rank:groups'), int(-moved), from_group)
    redis.call('ZINCRBY', key('rank:region-groups:' .. from_region), int(-moved), from_group)
    redis.call('ZINCRBY', key('rank:regions'), int(-moved), from_region)
  end
  leave(steward_id, from_region, from_group, follow)
  join(steward_id, num(steward.earned), to_region, to_group)
  if moved ~= 0 then
    redis.call('ZINCRBY', key('rank:groups'), int(moved), to_group)
    redis.call('ZINCRBY', key('rank:region-groups:' .. to_region), int(moved), to_group)
    redis.call('ZINCRBY', key('rank:regions'), int(moved), to_region)
  end
  redis.call('HSET', key('steward:' .. steward_id), 'region', to_region, 'group', to_group)
  redis.call('HINCRBY', key('steward:' .. steward_id), 'version', 1)
  steward.region, steward.group = to_region, to_group
  journal({type = 'transfer', steward = steward_id, delta = '0', region = to_region, group = to_group,
           transfer = transfer_id, from_region = from_region, from_group = from_group, moved = int(moved)})
  return moved
end

-- Writes: a new steward with zero totals, listed in every ranking of its placement.
local function register(steward_id, name, region, group)
  redis.call('HSET', key('steward:' .. steward_id), 'name', name, 'region', region, 'group', group,
      'earned', 0, 'sales', 0, 'orders', 0, 'version', 1, 'registered_as', region .. '|' .. group .. '|' .. name)
  redis.call('HSET', key('names'), steward_id, name)
  redis.call('ZADD', key('rank:stewards'), 0, steward_id)
  join(steward_id, 0, region, group)
  journal({type = 'register', steward = steward_id, delta = '0', region = region, group = group, name = name})
  return {name = name, region = region, group = group, earned = '0', sales = '0', orders = '0'}
end

-- Keys a script builds from a placement it has just read are checked by Redis Cluster only when
-- first touched. During a slot migration such a key may already live on the target node, and the
-- command fails there. Touching every such key before the first write makes that failure happen
-- while nothing is written yet, so the script stays all-or-nothing. More keys to touch may follow
-- (in the same call: one round trip inside Redis, not one per kind of key).
local function touch_placement(region, group, ...)
  redis.call('EXISTS', key('rank:region:' .. region), key('rank:group:' .. group),
      key('rank:region-groups:' .. region), ...)
end

local function campaign_missing(campaign)
  if not campaign.status then
    return {'CAMPAIGN_NOT_FOUND', 'campaign does not exist'}
  end
  return nil
end

local function campaign_closed(campaign)
  if campaign.status ~= 'OPEN' then
    return {'CAMPAIGN_CLOSED', 'campaign is closed'}
  end
  return nil
end

local function steward_missing(steward, steward_id)
  if not steward.name then
    return {'STEWARD_NOT_FOUND', 'steward ' .. steward_id .. ' is not registered'}
  end
  return nil
end

-- An idempotency record is "<fingerprint> <result> ...". For a key seen before, the reply to a
-- replay: DUPLICATE with the stored result, or `conflict` when the payload differs. nil when new.
local function replay(record, fp, conflict, what)
  if not record then
    return nil
  end
  local was = split(record, ' ')
  if was[1] ~= fp then
    return {conflict, what .. ' was made with a different payload'}
  end
  local reply = {'DUPLICATE'}
  for i = 2, #was do
    reply[i] = was[i]
  end
  return reply
end

-- Campaign metrics (docs/design.md, "Campaign metrics"). An order counts in four scopes: the
-- campaign `c`, its steward `s:<id>`, and the group `g:<id>` and region `r:<id>` it settled in.
-- The hash `metrics` holds per scope "paid items orders buyers recalled", per scope and SKU
-- (`q|<scope>|<sku>`) the net quantity, and per buyer (`b|<buyer>`) their live orders (not
-- refunded in full) as "<settled ms>/<steward>/<group>/<region>" tokens; the set `sold:<scope>`
-- the SKUs whose net quantity is above 0; the hash `sms` per recipient their first SMS (ms).

local function metric_scopes(steward, group, region)
  return {'c', 's:' .. steward, 'g:' .. group, 'r:' .. region}
end

-- The sold sets an order's metrics may write, for touch_placement before the first write.
local function sold_keys(steward, group, region)
  return key('sold:c'), key('sold:s:' .. steward), key('sold:g:' .. group), key('sold:r:' .. region)
end

local NO_FIGURES = {paid = 0, items = 0, live = 0, skus = {}}

-- Lines as "sku*qty*paid,..." (ids hold no '*' or ','): the quantity per SKU.
local function quantities(text)
  local out = {}
  for sku, qty in string.gmatch(text, '([^,*]+)%*(%d+)%*%d+') do
    out[sku] = (out[sku] or 0) + tonumber(qty)
  end
  return out
end

-- What an order adds to its scopes: net paid fen, net items, live (1 while something of it is
-- still paid) and the net quantity per SKU. A refund by amount takes no item back until it
-- empties the order; an order refunded in full takes nothing.
local function order_figures(paid, refunded, lines, refunded_lines)
  local net = paid - math.min(refunded, paid)
  if net <= 0 then
    return NO_FIGURES
  end
  local figures = {paid = net, items = 0, live = 1, skus = {}}
  local back = refunded_lines ~= '' and quantities(refunded_lines) or {}
  for sku, qty in pairs(quantities(lines)) do
    qty = qty - (back[sku] or 0)
    if qty > 0 then
      figures.skus[sku] = qty
      figures.items = figures.items + qty
    end
  end
  return figures
end

-- Live order tokens as {ms, scope tokens...}.
local function parse_tokens(list)
  local orders = {}
  for _, token in ipairs(list and split(list, ' ') or {}) do
    local t = cut(token, '/')
    orders[#orders + 1] = {token = token, ms = tonumber(t[1]), scopes = metric_scopes(t[2], t[3], t[4])}
  end
  return orders
end

-- Whether live orders `orders` (parse_tokens) make their buyer a buyer of `scope` (1|0), and a
-- recalled one: one of those orders settled after `sms_at` (epoch ms; nil: the buyer got no SMS).
local function buyer_standing(orders, scope, sms_at)
  local buyer, recalled = 0, 0
  for _, o in ipairs(orders) do
    local s = o.scopes
    if scope == s[1] or scope == s[2] or scope == s[3] or scope == s[4] then
      buyer = 1
      if sms_at and o.ms > sms_at then
        recalled = 1
      end
    end
  end
  return buyer, recalled
end

-- Counters as stored ("paid items orders buyers recalled"; false: none yet) and back.
local function counters_of(text)
  if not text then
    return {0, 0, 0, 0, 0}
  end
  local paid, items, orders, buyers, recalled = string.match(text, '^(%S+) (%S+) (%S+) (%S+) (%S+)$')
  return {tonumber(paid), tonumber(items), tonumber(orders), tonumber(buyers), tonumber(recalled)}
end

local function counters_text(c)
  return string.format('%d %d %d %d %d', c[1], c[2], c[3], c[4], c[5])
end

-- The buyer and recalled counters of `scopes` move as the buyer's live orders go from `was` to
-- `now` and their first SMS from `sms_was` to `sms_now`; `counters` (scope -> counters) holds
-- what was read, and is updated in place.
local function restand(counters, scopes, was, now, sms_was, sms_now)
  for _, scope in ipairs(scopes) do
    local b0, r0 = buyer_standing(was, scope, sms_was)
    local b1, r1 = buyer_standing(now, scope, sms_now)
    local c = counters[scope]
    c[4], c[5] = c[4] + b1 - b0, c[5] + r1 - r0
  end
end

-- A buyer counts in a scope while one of their live orders is there, and as recalled while one
-- of those settled after their first SMS (`sms_at`, epoch ms; nil: none). As the order `token`
-- of `order` goes live (`sign` 1) or dies (-1), the buyer and recalled counters of its scopes
-- (`counters`, in metric_scopes order) move where no other live order of the buyer stands;
-- returns the buyer's live orders that remain, from `list` (tokens; nil: none), as text.
local function move_buyer(counters, order, token, sign, list, sms_at)
  local held, held_recalled = {false, false, false, false}, {false, false, false, false}
  local kept, leaving = {}, sign < 0
  for other in string.gmatch(list or '', '%S+') do
    if leaving and other == token then
      leaving = false -- one order out; another order of the same instant and place stays
    else
      kept[#kept + 1] = other
      local ms, steward, group, region = string.match(other, '^(%d+)/([^/]*)/([^/]*)/(.*)$')
      local here = {true, steward == order.steward, group == order.group, region == order.region}
      local recalled = sms_at and tonumber(ms) > sms_at
      for k = 1, 4 do
        held[k] = held[k] or here[k]
        held_recalled[k] = held_recalled[k] or (here[k] and recalled)
      end
    end
  end
  if sign > 0 then
    kept[#kept + 1] = token
  end
  local recalled = sms_at and order.ms > sms_at
  for k, c in ipairs(counters) do
    if not held[k] then
      c[4] = c[4] + sign
    end
    if recalled and not held_recalled[k] then
      c[5] = c[5] + sign
    end
  end
  return table.concat(kept, ' ')
end

-- Writes: an order's figures go from `before` to `after` (order_figures) in its scopes' counters,
-- SKU quantities and sold sets, and in its buyer's live orders and standing: one HMGET and one
-- HSET of `metrics_key` (and one HGET of `sms_key` when the buyer's live orders change). `order`
-- holds ms, steward, group, region and buyer ('' for none).
local function move_order_metrics(metrics_key, sms_key, order, before, after)
  local scopes = metric_scopes(order.steward, order.group, order.region)
  local skus, seen = {}, {}
  for _, figures in ipairs({before, after}) do
    for sku in pairs(figures.skus) do
      if not seen[sku] then
        seen[sku] = true
        skus[#skus + 1] = sku
      end
    end
  end
  local fields = {scopes[1], scopes[2], scopes[3], scopes[4]}
  for _, scope in ipairs(scopes) do
    for _, sku in ipairs(skus) do
      fields[#fields + 1] = 'q|' .. scope .. '|' .. sku
    end
  end
  local restanding = order.buyer ~= '' and before.live ~= after.live
  if restanding then
    fields[#fields + 1] = 'b|' .. order.buyer
  end
  local values = redis.call('HMGET', metrics_key, unpack(fields))
  local counters = {}
  for i = 1, #scopes do
    local c = counters_of(values[i])
    c[1] = c[1] + after.paid - before.paid
    c[2] = c[2] + after.items - before.items
    c[3] = c[3] + after.live - before.live
    counters[i] = c
  end
  local writes, gone = {}, {}
  if restanding then
    local token = int(order.ms) .. '/' .. order.steward .. '/' .. order.group .. '/' .. order.region
    local sms_at = tonumber(redis.call('HGET', sms_key, order.buyer))
    local kept = move_buyer(counters, order, token, after.live - before.live, values[#fields], sms_at)
    if kept ~= '' then
      writes[1], writes[2] = fields[#fields], kept
    else
      gone[1] = fields[#fields]
    end
  end
  for i, scope in ipairs(scopes) do
    writes[#writes + 1] = scope
    writes[#writes + 1] = counters_text(counters[i])
  end
  local at = #scopes
  for _, scope in ipairs(scopes) do
    for _, sku in ipairs(skus) do
      at = at + 1
      local was = num(values[at])
      local now = was + (after.skus[sku] or 0) - (before.skus[sku] or 0)
      if now > 0 then
        writes[#writes + 1] = fields[at]
        writes[#writes + 1] = int(now)
        if was <= 0 then
          redis.call('SADD', key('sold:' .. scope), sku)
        end
      else
        gone[#gone + 1] = fields[at]
        if was > 0 then
          redis.call('SREM', key('sold:' .. scope), sku)
        end
      end
    end
  end
  redis.call('HSET', metrics_key, unpack(writes))
  if #gone > 0 then
    redis.call('HDEL', metrics_key, unpack(gone))
  end
end

-- Read helpers for ranking-page.lua and standing.lua.

-- The entries at positions [offset, offset + limit) of ranking `zset` in ranking order (score
-- descending, then id ascending), as a list of {id, score, rank} with competition ranks ("1224").
-- ZREVRANGE gives the scores at those positions, ties and all, but lists a tie in descending id
-- order; so each run of one score s is read again from the ascending index, where a tie sits in
-- ascending id order: the tie of s starts at ascending index ZCOUNT -inf (s, and
-- above = ZCOUNT (s +inf members rank before it. Each step is O(log n) plus what it returns,
-- however long the tie (ZRANGEBYSCORE ... LIMIT would walk the tie up to its offset).
local function ranked_slice(zset, offset, limit)
  local entries = {}
  if limit <= 0 then
    return entries
  end
  local rows = redis.call('ZREVRANGE', zset, offset, offset + limit - 1, 'WITHSCORES')
  local i, position = 1, offset
  while i <= #rows do
    local s = rows[i + 1]
    local run = 1
    while rows[i + 2 * run + 1] == s do
      run = run + 1
    end
    local above = redis.call('ZCOUNT', zset, '(' .. s, '+inf')
    local first = redis.call('ZCOUNT', zset, '-inf', '(' .. s) + (position - above)
    local ids = redis.call('ZRANGE', zset, first, first + run - 1)
    local score = tonumber(s)
    for j = 1, #ids do
      entries[#entries + 1] = {ids[j], score, above + 1}
    end
    i = i + 2 * run
    position = position + run
  end
  return entries
end

-- Helpers of the settlement queue's scripts (queue-*.lua).

-- Redis's clock in Unix epoch milliseconds: one clock for every instance.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- A stream entry's flat field list as a table.
local function fields_of(flat)
  local t = {}
  for i = 1, #flat, 2 do
    t[flat[i]] = flat[i + 1]
  end
  return t
end

-- Checks phase helper for queue-replay and queue-discard: the dead letter ARGV[1] of order
-- (ARGV[2], ARGV[3]) in dead-letter stream KEYS[3], status hash KEYS[4]. Returns its fields when
-- it is open, else the reply: DUPLICATE when it was already `done` (REPLAYED | DISCARDED),
-- DEAD_LETTER_CLOSED when it was closed the other way (`other`, for the message).
local function open_dead_letter(done, other)
  local status = redis.call('HGET', KEYS[4], ARGV[1])
  local letter = status and redis.call('XRANGE', KEYS[3], ARGV[1], ARGV[1])[1]
  local fields = letter and fields_of(letter[2])
  if not fields or fields.c ~= ARGV[2] or fields.o ~= ARGV[3] then
    return nil, {'DEAD_LETTER_NOT_FOUND', 'no dead letter ' .. ARGV[1] .. ' for order ' .. ARGV[3]}
  end
  if string.sub(status, 1, #done) == done then
    return nil, {'DUPLICATE'}
  end
  if status ~= 'OPEN' then
    return nil, {'DEAD_LETTER_CLOSED', 'dead letter ' .. ARGV[1] .. ' was ' .. other}
  end
  return fields
end

-- The fields of a queued settlement, in the order QueueEntry reads them: campaign id, order no,
-- steward id, region, group, lines ('sku,quantity,paid_fen' joined by ';'), buyer id, steward
-- name. An entry stores them as one field, `e`: their values joined by single spaces, empty ones
-- as empty tokens, the name last (free text, it may hold spaces; ids and lines hold none).
-- Entries written by earlier versions hold one field per value, the empty ones absent or empty;
-- they read the same (docs/design.md, "What a submission writes").
local QUEUE_FIELDS = {'c', 'o', 's', 'r', 'g', 'l', 'b', 'n'}

-- A queued settlement's fields by name, from its stream entry's flat field list, in either layout.
local function queue_fields(flat)
  if flat[1] ~= 'e' then
    return fields_of(flat)
  end
  local values, fields = cut(flat[2], ' ', #QUEUE_FIELDS), {}
  for i, name in ipairs(QUEUE_FIELDS) do
    fields[name] = values[i] or ''
  end
  return fields
end

-- The `e` value of a queued settlement with `fields` (by name; absent ones as ''), as
-- SettlementQueue.entryText writes it.
local function queue_text(fields)
  local values = {}
  for i, name in ipairs(QUEUE_FIELDS) do
    values[i] = fields[name] or ''
  end
  return table.concat(values, ' ')
end

-- The non-empty fields of a queued settlement (by name) as the flat name, value list a dead letter
-- holds.
local function queue_flat(fields)
  local flat = {}
  for _, name in ipairs(QUEUE_FIELDS) do
    if (fields[name] or '') ~= '' then
      flat[#flat + 1], flat[#flat + 2] = name, fields[name]
    end
  end
  return flat
end

-- Appends one delivered entry to a reply: id, deliveries, then the QUEUE_FIELDS (10 elements).
local function queue_entry(reply, id, deliveries, flat)
  local fields = queue_fields(flat)
  reply[#reply + 1] = id
  reply[#reply + 1] = deliveries
  for _, name in ipairs(QUEUE_FIELDS) do
    reply[#reply + 1] = fields[name] or ''
  end
end
