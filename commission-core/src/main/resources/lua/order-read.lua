#!lua flags=no-writes
-- order-read: one order as shared.lua's read_order reads its record (and its settlement's
-- journal entry). Read-only.
-- KEYS[1] campaign  KEYS[2] orders:<bucket>  KEYS[3] refunds:<orderNo>  KEYS[4] ledger
-- ARGV[1] order no
-- Reply: {'OK', {field, value, ...}} with state, steward, paid, refunded, settled_commission,
-- reversed_commission, unrecovered_commission, refund_excess, region, group; or
-- {'CAMPAIGN_NOT_FOUND' | 'ORDER_NOT_FOUND', message}
local order_no = ARGV[1]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'CAMPAIGN_NOT_FOUND', 'campaign ' .. (string.match(KEYS[1], '{c:(.*)}:campaign$') or KEYS[1])
      .. ' does not exist'}
end
local order = read_order(order_no)
if not order.state then
  return {'ORDER_NOT_FOUND', 'order ' .. order_no .. ' is not known'}
end
return {'OK', {'state', order.state, 'steward', order.steward or '', 'paid', int(order.paid or 0),
               'refunded', int(order.refunded), 'settled_commission', int(order.settled_commission or 0),
               'reversed_commission', int(order.reversed_commission),
               'unrecovered_commission', int(order.unrecovered_commission), 'refund_excess', int(order.refund_excess),
               'region', order.region or '', 'group', order.group or ''}}
