-- queue-retry: record why a delivery failed; the entry stays pending and is delivered again
-- after its back-off (queue-claim).
-- KEYS[1] stream  KEYS[2] settlement:<campaign>:<order>
-- ARGV[1] entry id  ARGV[2] deliveries so far  ARGV[3] status code  ARGV[4] reason  ARGV[5] message
local record = hash(KEYS[2])
if record.state ~= 'QUEUED' or record.entry ~= ARGV[1] then
  return {'DUPLICATE'}
end
-- checks done; writes
redis.call('HSET', KEYS[2], 'attempts', ARGV[2], 'err_code', ARGV[3], 'err_reason', ARGV[4], 'err_message', ARGV[5])
return {'OK'}
