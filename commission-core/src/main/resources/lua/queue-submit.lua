-- queue-submit: store one settlement in its partition's stream, once per (campaign, order).
-- KEYS[1] stream  KEYS[2] settlement:<campaign>:<order>
-- ARGV[1] campaign id  ARGV[2] order no  ARGV[3] fingerprint of the settlement's payload
-- ARGV[4] steward id  ARGV[5] region  ARGV[6] group  ARGV[7] steward name
-- ARGV[8] lines, 'sku,quantity,paid_fen' joined by ';'
-- The settlement record (KEYS[2]) makes a resubmission harmless: the same payload answers where
-- the order stands and stores nothing; another payload is a conflict, known at once.
local record = hash(KEYS[2])
if record.fp then
  if record.fp ~= ARGV[3] then
    return {'ORDER_CONFLICT', 'order ' .. ARGV[2] .. ' was submitted with a different payload'}
  end
  return {'DUPLICATE', record.state}
end
-- checks done; writes
local id = redis.call('XADD', KEYS[1], '*', 'c', ARGV[1], 'o', ARGV[2], 's', ARGV[4], 'r', ARGV[5],
  'g', ARGV[6], 'n', ARGV[7], 'l', ARGV[8])
redis.call('HSET', KEYS[2], 'fp', ARGV[3], 'state', 'QUEUED', 'entry', id, 'queued_at', now_ms(), 'attempts', 0)
return {'APPLIED', 'QUEUED'}
