-- queue-discard: close an open dead letter without settling it; the letter stays, with why.
-- KEYS[1] stream  KEYS[2] settlement:<campaign>:<order>  KEYS[3] dead-letters
-- KEYS[4] dead-letter-status  KEYS[5] stats
-- ARGV[1] dead letter id (its entry id in KEYS[3])  ARGV[2] campaign id  ARGV[3] order no
-- ARGV[4] the operator's reason
-- Discarding a discarded letter answers DUPLICATE; a replayed one is closed for good. The
-- settlement stays DEAD, naming the letter.
local status = redis.call('HGET', KEYS[4], ARGV[1])
local letter = status and redis.call('XRANGE', KEYS[3], ARGV[1], ARGV[1])[1]
local fields = letter and fields_of(letter[2])
if not fields or fields.c ~= ARGV[2] or fields.o ~= ARGV[3] then
  return {'DEAD_LETTER_NOT_FOUND', 'no dead letter ' .. ARGV[1] .. ' for order ' .. ARGV[3]}
end
if string.sub(status, 1, 9) == 'DISCARDED' then
  return {'DUPLICATE'}
end
if status ~= 'OPEN' then
  return {'DEAD_LETTER_CLOSED', 'dead letter ' .. ARGV[1] .. ' was replayed'}
end
-- checks done; writes
redis.call('HSET', KEYS[4], ARGV[1], 'DISCARDED|' .. now_ms() .. '|' .. ARGV[4])
redis.call('HINCRBY', KEYS[5], 'dead', -1)
return {'APPLIED'}
