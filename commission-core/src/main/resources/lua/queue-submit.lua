-- queue-submit: store settlements in their partitions' streams, once per (campaign, order).
-- KEYS[1] stream  KEYS[2] settlement:<campaign>:<order>  KEYS[3 .. 2N] the other settlements' stream and
-- record, in pairs, in order. Under Redis Cluster one call holds one partition's settlements; on
-- one Redis node it may hold a whole batch, whatever the partitions.
-- ARGV, 9 per settlement: campaign id, order no, fingerprint of the payload, steward id,
-- region, group, steward name, lines ('sku,quantity,paid_fen' joined by ';'), buyer id ('' = none;
-- the entry then has no field b)
-- The settlement record makes a resubmission harmless: the same payload answers where the order
-- stands and stores nothing; another payload is a conflict, known at once. Each settlement has
-- its own outcome: replies OK, then per settlement its word (APPLIED, DUPLICATE or
-- ORDER_CONFLICT) and its state (QUEUED, SETTLED or DEAD; '' for a conflict).
local n = #KEYS / 2
local outcome, state, seen = {}, {}, {}
for i = 1, n do
  local key, fp = KEYS[2 * i], ARGV[(i - 1) * 9 + 3]
  local was = seen[key]
  if not was then
    local record = redis.call('HMGET', key, 'fp', 'state')
    if record[1] then
      was = {fp = record[1], state = record[2]}
    end
  end
  if not was then
    outcome[i], state[i] = 'APPLIED', 'QUEUED'
    seen[key] = {fp = fp, state = 'QUEUED'}
  elseif was.fp ~= fp then
    outcome[i], state[i] = 'ORDER_CONFLICT', ''
  else
    outcome[i], state[i] = 'DUPLICATE', was.state
  end
end
-- checks done; writes
local now = now_ms()
local reply = {'OK'}
for i = 1, n do
  if outcome[i] == 'APPLIED' then
    local a = (i - 1) * 9
    local entry = {'c', ARGV[a + 1], 'o', ARGV[a + 2], 's', ARGV[a + 4], 'r', ARGV[a + 5], 'g', ARGV[a + 6],
      'n', ARGV[a + 7], 'l', ARGV[a + 8]}
    if ARGV[a + 9] ~= '' then
      entry[#entry + 1], entry[#entry + 2] = 'b', ARGV[a + 9]
    end
    local id = redis.call('XADD', KEYS[2 * i - 1], '*', unpack(entry))
    redis.call('HSET', KEYS[2 * i], 'fp', ARGV[a + 3], 'state', 'QUEUED', 'entry', id, 'queued_at', now, 'attempts', 0)
  end
  reply[#reply + 1] = outcome[i]
  reply[#reply + 1] = state[i]
end
return reply
