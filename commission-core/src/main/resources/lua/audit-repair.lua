-- audit-repair: set a bounded batch of a campaign's derived figures (ranking scores and members,
-- steward figures and placement, placement counts, totals) to what the ledger up to `position`
-- makes them, each only if nothing journalled since `position` could have changed it. Together
-- with audit-read.lua this is RebuildRankings in slices: a figure is read at a ledger position,
-- the ledger is replayed up to it in Java, and a figure that differs is set here. A figure whose
-- owner (a steward, group or region id) appears in an entry after `position` is skipped and
-- reported, so the caller reads it again: an item is never set from a stale replay.
--
-- KEYS[1] campaign hash  cms:{c:<id>}:campaign
-- KEYS[2] ledger stream
-- ARGV[1] position: the ledger entry id the values were computed at ('' = empty ledger)
-- ARGV[2] n, the number of items; then per item 6 values:
--   kind ('z' sorted set | 'h' hash), key (without the prefix), member or field,
--   value ('' = remove the member or field), owners (space-separated ids; '*' = any entry at all),
--   the ranking scope token to publish when it changes ('' = none)
--
-- Reply: {'OK', skipped item numbers (1-based)...} | {'CAMPAIGN_NOT_FOUND', message}
--        | {'MALFORMED_PLAN', message}

local LOOK_AHEAD = 256 -- entries since `position` looked at; more than that skips every item

local function repair()
  local position, n = ARGV[1], tonumber(ARGV[2])
  if redis.call('EXISTS', KEYS[1]) == 0 then
    return {'CAMPAIGN_NOT_FOUND', 'campaign ' .. (string.match(KEYS[1], '{c:(.*)}:campaign$') or KEYS[1])
      .. ' does not exist'}
  end
  if not n or #ARGV ~= 2 + 6 * n then
    return {'MALFORMED_PLAN', 'audit-repair: ARGV does not match its item count'}
  end

  -- Which ids the journal named since `position`.
  local since = redis.call('XRANGE', KEYS[2], position == '' and '-' or '(' .. position, '+', 'COUNT', LOOK_AHEAD + 1)
  local moved_too_far = #since > LOOK_AHEAD
  local named = {}
  for _, entry in ipairs(since) do
    for _, value in ipairs(entry[2]) do
      for token in string.gmatch(value, '[%w_%.%-]+') do
        named[token] = true
      end
    end
  end

  local apply, skipped = {}, {'OK'}
  for i = 1, n do
    local at = 3 + 6 * (i - 1)
    local owners = ARGV[at + 4]
    local stale = moved_too_far or (owners == '*' and #since > 0)
    if not stale and owners ~= '*' then
      for owner in string.gmatch(owners, '%S+') do
        if named[owner] then
          stale = true
        end
      end
    end
    if stale then
      skipped[#skipped + 1] = i
    else
      apply[#apply + 1] = at
      redis.call('EXISTS', key(ARGV[at + 1]))
    end
  end
  -- checks done; writes
  local seen, tokens = {}, {}
  for _, at in ipairs(apply) do
    local kind, k, member, value, token = ARGV[at], key(ARGV[at + 1]), ARGV[at + 2], ARGV[at + 3], ARGV[at + 5]
    if kind == 'z' then
      if value == '' then
        redis.call('ZREM', k, member)
      else
        redis.call('ZADD', k, value, member)
      end
    elseif value == '' then
      redis.call('HDEL', k, member)
    else
      redis.call('HSET', k, member, value)
    end
    if token ~= '' and not seen[token] then
      seen[token] = true
      tokens[#tokens + 1] = token
    end
  end
  if #tokens > 0 then
    redis.call('PUBLISH', key('events'), table.concat(tokens, ' '))
  end
  return skipped
end

return repair()
