-- queue-claim: take over the entries whose last delivery was not acknowledged in time.
-- KEYS[1] stream  KEYS[2] stats
-- ARGV[1] consumer group  ARGV[2] consumer  ARGV[3] visibility timeout, ms
-- ARGV[4] longest back-off, ms  ARGV[5] most pending entries to look at
-- ARGV[6] look after this entry id ('-' from the start)
-- An entry delivered d times is taken once idle for min(timeout * 2^(d-1), longest back-off).
-- Replies OK, the cursor for the next call ('-' once the end was reached), then per entry taken:
-- id, deliveries before this one, and the fields of queue_fields().
local timeout, longest, count = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local start = ARGV[6] == '-' and '-' or '(' .. ARGV[6]
local pending = redis.pcall('XPENDING', KEYS[1], ARGV[1], 'IDLE', timeout, start, '+', count)
if type(pending) == 'table' and pending.err then
  return {'OK', '-'}
end
local due, deliveries = {}, {}
for _, p in ipairs(pending) do
  local d = tonumber(p[4])
  local wait = math.min(timeout * 2 ^ (d - 1), math.max(longest, timeout))
  if tonumber(p[3]) >= wait then
    due[#due + 1] = p[1]
    deliveries[p[1]] = d
  end
end
local cursor = #pending < count and '-' or pending[#pending][1]
if #due == 0 then
  return {'OK', cursor}
end
-- checks done; writes
local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], timeout, unpack(due))
local reply = {'OK', cursor}
for _, entry in ipairs(claimed) do
  if entry and entry[2] then
    queue_entry(reply, entry[1], deliveries[entry[1]], entry[2])
  end
end
redis.call('HINCRBY', KEYS[2], 'retried', (#reply - 2) / 10)
return reply
