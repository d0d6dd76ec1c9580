#!lua flags=no-writes
-- queue-stats: how much of one partition is waiting, read-only.
-- KEYS[1] stream  KEYS[2] stats
-- ARGV[1] consumer group
-- Replies OK, depth (entries not acknowledged), in flight (delivered, not acknowledged), the id
-- of the oldest entry not acknowledged ('' when none), Redis's clock in ms, deliveries retried,
-- open dead letters.
local depth = redis.call('XLEN', KEYS[1])
local in_flight = 0
local summary = redis.pcall('XPENDING', KEYS[1], ARGV[1])
if type(summary) == 'table' and not summary.err then
  in_flight = summary[1]
end
local oldest = ''
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
if #first > 0 then
  oldest = first[1][1]
end
local counts = hash(KEYS[2])
return {'OK', depth, in_flight, oldest, now_ms(), num(counts.retried), num(counts.dead)}
