-- queue-prune: forget the consumers of the group that hold nothing and have not read for long
-- (those of instances that stopped or were killed, once their entries were taken over).
-- KEYS[1] stream
-- ARGV[1] consumer group  ARGV[2] idle time, ms, after which an empty consumer is forgotten
-- A live worker reads many times a second, so it is never that idle; and a consumer forgotten by
-- mistake costs nothing: the group makes it again at its next read. One with entries pending is
-- never deleted (that would drop their deliveries).
-- Replies OK, then the names of the consumers deleted.
local consumers = redis.pcall('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
if type(consumers) == 'table' and consumers.err then
  return {'OK'}
end
local idle_limit, gone = tonumber(ARGV[2]), {}
for _, c in ipairs(consumers) do
  local info = {}
  for i = 1, #c, 2 do
    info[c[i]] = c[i + 1]
  end
  if tonumber(info.pending) == 0 and tonumber(info.idle) >= idle_limit then
    gone[#gone + 1] = info.name
  end
end
-- checks done; writes
local reply = {'OK'}
for _, name in ipairs(gone) do
  redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
  reply[#reply + 1] = name
end
return reply
