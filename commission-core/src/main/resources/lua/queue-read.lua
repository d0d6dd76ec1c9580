-- queue-read: deliver to this consumer up to ARGV[3] entries never delivered before.
-- KEYS[1] stream
-- ARGV[1] consumer group  ARGV[2] consumer  ARGV[3] most entries
-- Replies OK, then per entry: id, deliveries (1), and the fields of queue_fields().
-- The group is made here when missing (a stream written before any worker started, or a Redis
-- that lost the group): from id 0, so every entry still in the stream is delivered. A read that
-- finds no group fails before it writes anything, so it is simply made again after the group.
local function read()
  return redis.pcall('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
end
local read_reply = read()
if type(read_reply) == 'table' and read_reply.err then
  if not string.find(read_reply.err, 'NOGROUP', 1, true) then
    return redis.error_reply(read_reply.err)
  end
  -- checks done; writes
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
  read_reply = read()
end
local reply = {'OK'}
if read_reply then
  for _, entry in ipairs(read_reply[1][2]) do
    queue_entry(reply, entry[1], 1, entry[2])
  end
end
return reply
