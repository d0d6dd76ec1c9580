#!lua flags=no-writes
-- ledger-page.lua: one page of a campaign's journal, oldest first. Read-only.
--
-- KEYS[1] campaign hash  cms:{c:<id>}:campaign
-- KEYS[2] ledger stream
-- ARGV[1] where to start: "-" for the beginning, "(<entry id>" for after an entry already read
-- ARGV[2] the page size
--
-- Reply: {"OK", {{id, {field, value, ...}}, ...}} or {"CAMPAIGN_NOT_FOUND", message}

if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'CAMPAIGN_NOT_FOUND', 'campaign ' .. (string.match(KEYS[1], '{c:(.*)}:campaign$') or KEYS[1])
    .. ' does not exist'}
end
return {'OK', redis.call('XRANGE', KEYS[2], ARGV[1], '+', 'COUNT', ARGV[2])}
