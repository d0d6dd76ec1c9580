-- queue-dead: park a delivered entry as a dead letter, atomically with its acknowledgement.
-- KEYS[1] stream  KEYS[2] settlement:<campaign>:<order>  KEYS[3] dead-letters
-- KEYS[4] dead-letter-status  KEYS[5] stats
-- ARGV[1] consumer group  ARGV[2] entry id  ARGV[3] deliveries made  ARGV[4] status code
-- ARGV[5] reason  ARGV[6] message
-- An entry acknowledged meanwhile (settled by another worker) is left as it is: DUPLICATE.
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #pending == 0 then
  return {'DUPLICATE'}
end
local record = hash(KEYS[2])
local entry = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
-- checks done; writes
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if record.state == 'SETTLED' or #entry == 0 then
  return {'DUPLICATE'}
end
local now = now_ms()
-- A dead letter holds the settlement's non-empty fields one by one, then why it is there.
local fields = queue_flat(queue_fields(entry[1][2]))
fields[#fields + 1] = 'attempts'
fields[#fields + 1] = ARGV[3]
fields[#fields + 1] = 'code'
fields[#fields + 1] = ARGV[4]
fields[#fields + 1] = 'reason'
fields[#fields + 1] = ARGV[5]
fields[#fields + 1] = 'message'
fields[#fields + 1] = ARGV[6]
fields[#fields + 1] = 'at'
fields[#fields + 1] = now
local letter = redis.call('XADD', KEYS[3], '*', unpack(fields))
redis.call('HSET', KEYS[4], letter, 'OPEN')
redis.call('HSET', KEYS[2], 'state', 'DEAD', 'dead', letter, 'attempts', ARGV[3], 'err_code', ARGV[4],
  'err_reason', ARGV[5], 'err_message', ARGV[6])
redis.call('HINCRBY', KEYS[5], 'dead', 1)
return {'APPLIED', letter}
