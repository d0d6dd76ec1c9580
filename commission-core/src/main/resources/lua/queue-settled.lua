-- queue-settled: acknowledge delivered entries of one partition whose settlement succeeded, and
-- record each.
-- KEYS[1] stream  KEYS[2 .. 1+N] settlement:<campaign>:<order> of each entry, in order
-- ARGV[1] consumer group, then 3 per entry: entry id, deliveries so far, commission in fen
-- Settled is final, whoever settled first: the first settled_at is kept. An entry is deleted
-- once acknowledged, so the stream holds exactly what is not acknowledged yet.
local n = #KEYS - 1
local settled = {}
for i = 1, n do
  settled[i] = redis.call('HGET', KEYS[1 + i], 'state') == 'SETTLED'
end
-- checks done; writes
local ids = {}
for i = 1, n do
  ids[i] = ARGV[(i - 1) * 3 + 2]
end
redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
redis.call('XDEL', KEYS[1], unpack(ids))
local now = now_ms()
for i = 1, n do
  if not settled[i] then
    local a = (i - 1) * 3 + 1
    redis.call('HSET', KEYS[1 + i], 'state', 'SETTLED', 'settled_at', now, 'attempts', ARGV[a + 2], 'commission', ARGV[a + 3])
  end
end
return {'OK'}
