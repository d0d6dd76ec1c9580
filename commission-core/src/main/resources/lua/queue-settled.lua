-- queue-settled: acknowledge a delivered entry whose settlement succeeded, and record it.
-- KEYS[1] stream  KEYS[2] settlement:<campaign>:<order>
-- ARGV[1] consumer group  ARGV[2] entry id  ARGV[3] deliveries so far  ARGV[4] commission, fen
-- Settled is final, whoever settled first: the first settled_at is kept. The entry is deleted
-- once acknowledged, so the stream holds exactly what is not acknowledged yet.
local record = hash(KEYS[2])
-- checks done; writes
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if record.state ~= 'SETTLED' then
  redis.call('HSET', KEYS[2], 'state', 'SETTLED', 'settled_at', now_ms(), 'attempts', ARGV[3], 'commission', ARGV[4])
end
return {'OK'}
