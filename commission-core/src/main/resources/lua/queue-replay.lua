-- queue-replay: queue an open dead letter again, with a fresh delivery count.
-- KEYS[1] stream  KEYS[2] settlement:<campaign>:<order>  KEYS[3] dead-letters
-- KEYS[4] dead-letter-status  KEYS[5] stats
-- ARGV[1] dead letter id (its entry id in KEYS[3])  ARGV[2] campaign id  ARGV[3] order no
-- A letter's status is OPEN, 'REPLAYED|<ms>' or 'DISCARDED|<ms>|<reason>'. Replaying a replayed
-- letter answers DUPLICATE; a discarded one is closed for good. The entry queued again holds the
-- letter's settlement fields in one field, as queue-submit writes them.
local fields, refusal = open_dead_letter('REPLAYED', 'discarded')
if refusal then
  return refusal
end
-- checks done; writes
local id = redis.call('XADD', KEYS[1], '*', 'e', queue_text(fields))
redis.call('HSET', KEYS[2], 'state', 'QUEUED', 'entry', id, 'attempts', 0)
redis.call('HDEL', KEYS[2], 'dead')
redis.call('HSET', KEYS[4], ARGV[1], 'REPLAYED|' .. now_ms())
redis.call('HINCRBY', KEYS[5], 'dead', -1)
return {'APPLIED'}
