-- queue-submit: store settlements in their partitions' streams, once per (campaign, order).
-- KEYS[1] stream  KEYS[2] settlement:<campaign>:<order>  KEYS[3 .. 2N] the other settlements' stream and
-- record, in pairs, in order. Under Redis Cluster one call holds one partition's settlements; on
-- one Redis node it may hold a whole batch, whatever the partitions.
-- ARGV, 2 per settlement: the fingerprint of the payload, then the entry's `e` value (the
-- QUEUE_FIELDS' values joined by spaces, the name last: SettlementQueue.entryText).
-- The settlement record makes a resubmission harmless: the same payload answers where the order
-- stands and stores nothing; another payload is a conflict, known at once. Each settlement has
-- its own outcome: replies OK, then per settlement its word (APPLIED, DUPLICATE or
-- ORDER_CONFLICT) and its state (QUEUED, SETTLED or DEAD; '' for a conflict).
-- What is written is kept small, since the append-only file logs every argument of every write
-- and Redis handles each argument several times on the way: the entry is one field, the record
-- has no attempts (absent reads 0), and queued_at is the entry id's milliseconds.
local n = #KEYS / 2
-- fp_of: the fingerprint of each record this call applies, for a second settlement of the same order
local reply, fp_of = {'OK'}, {}
for i = 1, n do
  local record, fp = KEYS[2 * i], ARGV[2 * i - 1]
  local fp_was, state_was = fp_of[record], 'QUEUED'
  if not fp_was then
    local stored = redis.call('HMGET', record, 'fp', 'state')
    fp_was, state_was = stored[1], stored[2]
  end
  if not fp_was then
    reply[2 * i], reply[2 * i + 1] = 'APPLIED', 'QUEUED'
    fp_of[record] = fp
  elseif fp_was ~= fp then
    reply[2 * i], reply[2 * i + 1] = 'ORDER_CONFLICT', ''
  else
    reply[2 * i], reply[2 * i + 1] = 'DUPLICATE', state_was
  end
end
-- checks done; writes
for i = 1, n do
  if reply[2 * i] == 'APPLIED' then
    local id = redis.call('XADD', KEYS[2 * i - 1], '*', 'e', ARGV[2 * i])
    redis.call('HSET', KEYS[2 * i], 'fp', ARGV[2 * i - 1], 'state', 'QUEUED', 'entry', id,
      'queued_at', string.match(id, '^%d+'))
  end
end
return reply
