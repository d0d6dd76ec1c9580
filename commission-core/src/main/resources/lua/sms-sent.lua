-- sms-sent: record one slice of an SMS batch. A recipient's first SMS (the earliest sent_at of
-- every batch naming them) is what recall is measured from: a recipient counts as recalled in a
-- scope while they have an order there, not refunded in full, settled after it. A batch is
-- idempotent on its id: the record "<fingerprint> <slices done> <slices>" lets a batch cut into
-- slices be sent again from where it stopped; another payload under the same id is a conflict.
-- KEYS[1] campaign  KEYS[2] sms-batches  KEYS[3] sms  KEYS[4] metrics
-- ARGV[1] batch id  ARGV[2] fingerprint  ARGV[3] slice (0-based)  ARGV[4] slices
-- ARGV[5] sent at, epoch ms  ARGV[6..] recipient ids of this slice (unique across the batch)
-- Reply: {'APPLIED', new recipients} or {'DUPLICATE', slices done}
local batch_id, fp, slice, slices, sent_at = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])

local missing = campaign_missing(hash(KEYS[1]))
if missing then
  return missing
end
local record = redis.call('HGET', KEYS[2], batch_id)
local done = 0
if record then
  local r = split(record, ' ')
  if r[1] ~= fp then
    return {'SMS_BATCH_CONFLICT', 'SMS batch ' .. batch_id .. ' was recorded with other recipients or another time'}
  end
  done = tonumber(r[2])
end
if slice ~= done then
  return {'DUPLICATE', done}
end
local recipients = {unpack(ARGV, 6)}
local firsts = redis.call('HMGET', KEYS[3], unpack(recipients))
local earlier, was = {}, {}
for i, recipient in ipairs(recipients) do
  local first = tonumber(firsts[i])
  if not first or sent_at < first then
    earlier[#earlier + 1] = recipient
    was[#earlier] = first
  end
end
-- checks done; writes
local new = 0
if #earlier > 0 then
  local writes = {}
  for i, recipient in ipairs(earlier) do
    writes[#writes + 1] = recipient
    writes[#writes + 1] = ARGV[5]
    if not was[i] then
      new = new + 1
    end
  end
  redis.call('HSET', KEYS[3], unpack(writes))
  -- Recipients who have live orders may now be recalled in their orders' scopes.
  local fields = {}
  for i, recipient in ipairs(earlier) do
    fields[i] = 'b|' .. recipient
  end
  local lists = redis.call('HMGET', KEYS[4], unpack(fields))
  local scopes, seen, changes = {}, {}, {}
  for i, list in ipairs(lists) do
    if list then
      local orders = parse_tokens(list)
      local theirs = {}
      for _, o in ipairs(orders) do
        for _, scope in ipairs(o.scopes) do
          if not seen[scope] then
            seen[scope] = true
            scopes[#scopes + 1] = scope
          end
          if not theirs[scope] then
            theirs[scope] = true
            theirs[#theirs + 1] = scope
          end
        end
      end
      changes[#changes + 1] = {orders, was[i], theirs}
    end
  end
  if #scopes > 0 then
    local values = redis.call('HMGET', KEYS[4], unpack(scopes))
    local counters = {}
    for i, scope in ipairs(scopes) do
      counters[scope] = counters_of(values[i])
    end
    for _, change in ipairs(changes) do
      restand(counters, change[3], change[1], change[1], change[2], sent_at)
    end
    local out = {}
    for _, scope in ipairs(scopes) do
      out[#out + 1] = scope
      out[#out + 1] = counters_text(counters[scope])
    end
    redis.call('HSET', KEYS[4], unpack(out))
  end
end
redis.call('HSET', KEYS[2], batch_id, table.concat({fp, int(slice + 1), slices}, ' '))
return {'APPLIED', new}
