-- settle: credit the commission of one shipped order, net of refunds that arrived before it.
-- KEYS[1] campaign  KEYS[2] steward:<sid>  KEYS[3] orders:<bucket>  KEYS[4] totals  KEYS[5] ledger
-- KEYS[6] names  KEYS[7] placements  KEYS[8] transfers  KEYS[9] rank:stewards  KEYS[10] rank:groups
-- KEYS[11] rank:regions  KEYS[12] refunds:<orderNo>  KEYS[13] metrics  KEYS[14] sms
-- ARGV[1] order no  ARGV[2] steward id  ARGV[3] paid fen  ARGV[4] lines "sku*qty*paid,..." (sorted)
-- ARGV[5] fingerprint
-- ARGV[6] region, ARGV[7] group: the steward's placement as the caller knows it ('' = not given)
-- ARGV[8] name for a steward registered on the fly  ARGV[9] number of lines  ARGV[10] buyer id ('' = none)
local order_no, steward_id, paid, lines, fp = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local want_region, want_group, name, buyer = ARGV[6], ARGV[7], ARGV[8], ARGV[10]

local campaign = hash(KEYS[1])
local missing = campaign_missing(campaign)
if missing then
  return missing
end
local order = read_order(order_no)
if order.fp then
  if order.fp ~= fp then
    return {'ORDER_CONFLICT', 'order ' .. order_no .. ' was settled with a different payload'}
  end
  return {'DUPLICATE', order.net_at_settle, order.earned_after}
end
local closed = campaign_closed(campaign)
if closed then
  return closed
end

local follow = campaign.policy ~= 'STAY'
local placed = want_region ~= '' and want_group ~= ''
local steward = hash(KEYS[2])
local registering = not steward.name
local moving = false
if registering then
  if not placed then
    return {'STEWARD_NOT_FOUND', 'steward ' .. steward_id .. ' is not registered'}
  end
  steward = {name = name, region = want_region, group = want_group, earned = '0', sales = '0', orders = '0'}
elseif placed and (steward.region ~= want_region or steward.group ~= want_group) then
  moving = true
end

local kind, rate = resolve_rule(campaign, num(steward.sales))
local cap = num(campaign.cap)
local full = commission(kind, rate, paid, cap)
-- Refunds that came first and add up to more than the order paid are clamped (the commission is
-- then 0, never negative); the excess is kept on the order and in the journal for follow-up.
local refunded = math.min(num(order.refunded), paid)
local net_paid = paid - refunded
local net = commission(kind, rate, net_paid, cap)

local region = placed and want_region or steward.region
local group = placed and want_group or steward.group
local refusal
if moving then
  refusal = check_move(steward, region, group, follow, net)
end
refusal = refusal or check_credit(steward, region, group, net)
if refusal then
  return refusal
end
if not fits(num(steward.sales) + net_paid) or not fits(num(redis.call('HGET', KEYS[4], 'sales')) + net_paid) then
  return {'TOTAL_OVERFLOW', 'sales would reach 2^53 fen'}
end
if not registering then
  touch_placement(steward.region, steward.group)
end
touch_placement(region, group, sold_keys(steward_id, group, region))
-- checks done; writes
local old_region, old_group = steward.region, steward.group
if registering then
  steward = register(steward_id, name, region, group)
elseif moving then
  local moved = move(steward_id, steward, region, group, follow, '@order:' .. order_no)
  redis.call('HSET', KEYS[8], steward_id .. ':@order:' .. order_no,
      table.concat({fp, old_region, old_group, region, group, int(moved)}, ' '))
end
local entry_id = journal({type = 'settle', steward = steward_id, delta = int(full), region = region, group = group,
    order = order_no, lines = lines, rule = rule_token(kind, rate, cap), buyer = buyer})
-- Each refund kept before the settlement gets its own reverse entry, in arrival order, each
-- taking the commission down to what is due on what is still paid after it (clamped at paid).
local so_far, due = 0, full
local kept_refunds = split(order.pending or '', ',')
for i, kept in ipairs(kept_refunds) do
  local refund_id, fen = string.match(kept, '^(.*):(%d+)$')
  local amount = math.min(tonumber(fen), paid - so_far)
  so_far = so_far + amount
  local after = commission(kind, rate, paid - so_far, cap)
  local excess = tonumber(fen) - amount
  journal({type = 'reverse', steward = steward_id, delta = int(after - due), region = region, group = group,
           order = order_no, refund = refund_id, amount = int(amount), excess = excess > 0 and int(excess) or '',
           lines = i == #kept_refunds and order.refunded_lines or ''})
  due = after
end
if refunded > 0 then
  redis.call('HSET', KEYS[12], 'refunded', int(refunded), 'reversed_commission', int(full - net))
  redis.call('HDEL', KEYS[12], 'pending')
  if num(order.refunded) > refunded then
    redis.call('HSET', KEYS[12], 'refund_excess', int(num(order.refunded) - refunded))
  end
end
local earned = credit(steward_id, steward, region, group, net)
redis.call('HINCRBY', KEYS[2], 'sales', int(net_paid))
redis.call('HINCRBY', KEYS[2], 'orders', 1)
redis.call('HINCRBY', KEYS[2], 'version', 1)
redis.call('HINCRBY', KEYS[4], 'sales', int(net_paid))
redis.call('HINCRBY', KEYS[4], 'orders', 1)
write_order_settlement(order_no, entry_id, fp, earned, net, full)
move_order_metrics(KEYS[13], KEYS[14],
    {ms = tonumber(string.match(entry_id, '^%d+')), steward = steward_id, group = group, region = region, buyer = buyer},
    NO_FIGURES, order_figures(paid, refunded, lines, order.refunded_lines))
publish(region, group, old_region, old_group)
return {'APPLIED', net, earned}
