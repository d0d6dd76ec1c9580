-- reverse: take back commission for a full or partial refund. A settled order's commission is
-- recomputed on what is still paid, at the rule applied at settlement; the difference is taken
-- back. A refund before the settlement is kept on the order and netted when it settles. A refund
-- is always recorded: if the steward no longer holds all of the difference (an operator debited
-- it first), what it holds is taken back and the rest is recorded as unrecovered, never below zero.
-- A refund by lines must name SKUs the settled order has, in quantities it has not refunded yet.
-- KEYS[1] campaign  KEYS[2] orders:<bucket>  KEYS[3] totals  KEYS[4] ledger
-- KEYS[5] rank:stewards  KEYS[6] rank:groups  KEYS[7] rank:regions  KEYS[8] refunds:<orderNo>
-- KEYS[9] metrics  KEYS[10] sms
-- ARGV[1] order no  ARGV[2] refund id  ARGV[3] refund fen  ARGV[4] fingerprint
-- ARGV[5] refunded lines "sku*qty*paid,..." ('' for a refund by amount)
local order_no, refund_id, amount, fp, lines = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]

local campaign = hash(KEYS[1])
local missing = campaign_missing(campaign)
if missing then
  return missing
end
local field = 'refund:' .. refund_id
-- the record is "<fingerprint> <reversed fen> <1 if pending> <unrecovered fen>"
local duplicate = replay(redis.call('HGET', KEYS[8], field), fp, 'REFUND_CONFLICT',
    'refund ' .. refund_id .. ' of order ' .. order_no)
if duplicate then
  return duplicate
end
-- Refunds are accepted on a closed campaign: money must be able to go back.
local order = read_order(order_no)
local refunded = num(order.refunded) + amount
local refunded_lines = order.refunded_lines or ''
if lines ~= '' then
  refunded_lines = refunded_lines == '' and lines or (refunded_lines .. ',' .. lines)
end

if order.state ~= 'SETTLED' and order.state ~= 'REFUNDED' then
  if not fits(refunded) then
    return {'TOTAL_OVERFLOW', 'refunds would reach 2^53 fen'}
  end
  -- checks done; writes
  local pending = order.pending or ''
  pending = (pending == '' and '' or (pending .. ',')) .. refund_id .. ':' .. int(amount)
  redis.call('HSET', KEYS[8], 'refunded', int(refunded), 'pending', pending, field, fp .. ' 0 1 0')
  if lines ~= '' then
    redis.call('HSET', KEYS[8], 'refunded_lines', refunded_lines)
  end
  return {'APPLIED', 0, 1, 0}
end

local paid = order.paid
if lines ~= '' then
  local has, asked, before = lines_by_sku(order.lines), lines_by_sku(lines), lines_by_sku(order.refunded_lines)
  local skus = {}
  for sku in pairs(asked) do
    skus[#skus + 1] = sku
  end
  table.sort(skus)
  for _, sku in ipairs(skus) do
    local want, line, done = asked[sku], has[sku], before[sku] or {0, 0}
    if not line or want[1] + done[1] > line[1] then
      return {'REFUND_LINES_UNKNOWN', 'order ' .. order_no .. ' has ' .. int(line and line[1] - done[1] or 0)
          .. ' of ' .. sku .. ' left to refund, the refund names ' .. int(want[1])}
    end
    if want[2] + done[2] > line[2] then
      return {'REFUND_EXCEEDS_PAID', 'refunds of ' .. sku .. ' of ' .. int(want[2] + done[2])
          .. ' fen would exceed the ' .. int(line[2]) .. ' fen paid for it'}
    end
  end
end
if refunded > paid then
  return {'REFUND_EXCEEDS_PAID', 'refunds of ' .. int(refunded) .. ' fen would exceed the ' .. int(paid) .. ' fen paid'}
end
-- What the order's commission should be now, before this refund: settled less every reversal,
-- collected or not.
local before = order.settled_commission - order.reversed_commission - order.unrecovered_commission
local after = commission(order.rule, order.rate, paid - refunded, order.cap)
local due = before - after
local steward_id = order.steward
local steward = hash(key('steward:' .. steward_id))
-- Under STAY the commission was credited where the order settled; under FOLLOW it moved with the steward.
local region, group = steward.region, steward.group
if campaign.policy == 'STAY' then
  region, group = order.region, order.group
end
local collected = math.min(due, num(steward.earned))
local unrecovered = due - collected
local delta = -collected
local refusal = check_credit(steward, region, group, delta)
if refusal then
  return refusal
end
touch_placement(steward.region, steward.group)
touch_placement(region, group, sold_keys(steward_id, order.group, order.region))

-- checks done; writes
redis.call('HSET', KEYS[8], 'refunded', int(refunded), field, table.concat({fp, int(collected), '0', int(unrecovered)}, ' '))
if lines ~= '' then
  redis.call('HSET', KEYS[8], 'refunded_lines', refunded_lines)
end
if collected ~= 0 then
  redis.call('HINCRBY', KEYS[8], 'reversed_commission', int(collected))
end
if unrecovered > 0 then
  redis.call('HINCRBY', KEYS[8], 'unrecovered_commission', int(unrecovered))
end
journal({type = 'reverse', steward = steward_id, delta = int(delta), region = region, group = group, order = order_no,
         refund = refund_id, amount = int(amount), unrecovered = unrecovered > 0 and int(unrecovered) or '', lines = lines})
-- The order's metrics count where it settled, whatever the policy (docs/design.md, "Campaign metrics").
move_order_metrics(KEYS[9], KEYS[10], order,
    order_figures(paid, order.refunded, order.lines, order.refunded_lines),
    order_figures(paid, refunded, order.lines, refunded_lines))
redis.call('HINCRBY', key('steward:' .. steward_id), 'sales', int(-amount))
redis.call('HINCRBY', key('steward:' .. steward_id), 'version', 1)
redis.call('HINCRBY', KEYS[3], 'sales', int(-amount))
if delta ~= 0 then
  credit(steward_id, steward, region, group, delta)
  publish(steward.region, steward.group, region, group)
end
return {'APPLIED', collected, 0, unrecovered}
