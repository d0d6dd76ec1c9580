-- queue-discard: close an open dead letter without settling it; the letter stays, with why.
-- KEYS[1] stream  KEYS[2] settlement:<campaign>:<order>  KEYS[3] dead-letters
-- KEYS[4] dead-letter-status  KEYS[5] stats
-- ARGV[1] dead letter id (its entry id in KEYS[3])  ARGV[2] campaign id  ARGV[3] order no
-- ARGV[4] the operator's reason
-- Discarding a discarded letter answers DUPLICATE; a replayed one is closed for good. The
-- settlement stays DEAD, naming the letter.
local fields, refusal = open_dead_letter('DISCARDED', 'replayed')
if refusal then
  return refusal
end
-- checks done; writes
redis.call('HSET', KEYS[4], ARGV[1], 'DISCARDED|' .. now_ms() .. '|' .. ARGV[4])
redis.call('HINCRBY', KEYS[5], 'dead', -1)
return {'APPLIED'}
