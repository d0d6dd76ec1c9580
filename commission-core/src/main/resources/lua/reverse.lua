-- reverse: take back commission for a full or partial refund. A settled order's commission is
-- recomputed on what is still paid, at the rule applied at settlement; the difference is taken
-- back. A refund before the settlement is kept on the order and netted when it settles. A refund
-- is always recorded: if the steward no longer holds all of the difference (an operator debited
-- it first), what it holds is taken back and the rest is recorded as unrecovered, never below zero.
-- KEYS[1] campaign  KEYS[2] order:<orderNo>  KEYS[3] totals  KEYS[4] ledger  KEYS[5] rank:stewards
-- KEYS[6] rank:groups  KEYS[7] rank:regions
-- ARGV[1] order no  ARGV[2] refund id  ARGV[3] refund fen  ARGV[4] fingerprint
local order_no, refund_id, amount, fp = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]

local campaign = hash(KEYS[1])
local missing = campaign_missing(campaign)
if missing then
  return missing
end
local field = 'refund:' .. refund_id
-- the record is "<fingerprint> <reversed fen> <1 if pending> <unrecovered fen>"
local duplicate = replay(redis.call('HGET', KEYS[2], field), fp, 'REFUND_CONFLICT',
    'refund ' .. refund_id .. ' of order ' .. order_no)
if duplicate then
  return duplicate
end
-- Refunds are accepted on a closed campaign: money must be able to go back.
local order = hash(KEYS[2])
local refunded = num(order.refunded) + amount

if order.state ~= 'SETTLED' and order.state ~= 'REFUNDED' then
  if not fits(refunded) then
    return {'TOTAL_OVERFLOW', 'refunds would reach 2^53 fen'}
  end
  -- checks done; writes
  redis.call('HSET', KEYS[2], 'state', 'AWAITING_SETTLEMENT', 'refunded', int(refunded), field, fp .. ' 0 1 0')
  return {'APPLIED', 0, 1, 0}
end

local paid = num(order.paid)
if refunded > paid then
  return {'REFUND_EXCEEDS_PAID', 'refunds of ' .. int(refunded) .. ' fen would exceed the ' .. int(paid) .. ' fen paid'}
end
-- What the order's commission should be now, before this refund: settled less every reversal,
-- collected or not.
local before = num(order.settled_commission) - num(order.reversed_commission) - num(order.unrecovered_commission)
local after = commission(order.rule, num(order.rate), paid - refunded, num(order.cap))
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
touch_placement(region, group)

-- checks done; writes
redis.call('HSET', KEYS[2], 'refunded', int(refunded), 'state', refunded == paid and 'REFUNDED' or 'SETTLED',
    field, table.concat({fp, int(collected), '0', int(unrecovered)}, ' '))
redis.call('HINCRBY', KEYS[2], 'reversed_commission', int(collected))
local entry = {'type', 'reverse', 'steward', steward_id, 'delta', int(delta), 'region', region, 'group', group,
               'order', order_no, 'refund', refund_id, 'amount', int(amount)}
if unrecovered > 0 then
  redis.call('HINCRBY', KEYS[2], 'unrecovered_commission', int(unrecovered))
  entry[#entry + 1] = 'unrecovered'
  entry[#entry + 1] = int(unrecovered)
end
journal(entry)
redis.call('HINCRBY', key('steward:' .. steward_id), 'sales', int(-amount))
redis.call('HINCRBY', key('steward:' .. steward_id), 'version', 1)
redis.call('HINCRBY', KEYS[3], 'sales', int(-amount))
if delta ~= 0 then
  credit(steward_id, steward, region, group, delta)
  publish(scopes_of_steward(steward.region, steward.group), scopes_of_group(region))
end
return {'APPLIED', collected, 0, unrecovered}
