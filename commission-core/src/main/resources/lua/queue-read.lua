-- queue-read: deliver to this consumer up to ARGV[3] entries never delivered before.
-- KEYS[1] stream
-- ARGV[1] consumer group  ARGV[2] consumer  ARGV[3] most entries
-- Replies OK, then per entry: id, deliveries (1), and the fields of queue_fields().
-- The group is made here when missing (a stream written before any worker started, or a Redis
-- that lost the group): from id 0, so every entry still in the stream is delivered.
local group = redis.pcall('XINFO', 'GROUPS', KEYS[1])
local found = false
if type(group) == 'table' and not group.err then
  for _, g in ipairs(group) do
    for i = 1, #g, 2 do
      if g[i] == 'name' and g[i + 1] == ARGV[1] then
        found = true
      end
    end
  end
end
-- checks done; writes
if not found then
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
end
local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
local reply = {'OK'}
if read then
  for _, entry in ipairs(read[1][2]) do
    queue_entry(reply, entry[1], 1, entry[2])
  end
end
return reply
