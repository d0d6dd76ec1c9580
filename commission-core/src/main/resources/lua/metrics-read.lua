#!lua flags=no-writes
-- metrics-read: the figures of one scope at one instant.
-- KEYS[1] campaign  KEYS[2] metrics  KEYS[3] catalogue  KEYS[4] sms  KEYS[5] visitors:<scope>
-- KEYS[6] sold:<scope>
-- ARGV[1] scope: c, s:<steward>, g:<group> or r:<region>
-- Reply: {'OK', "paid items orders buyers recalled", visitors, SKUs on sale sold in the scope,
-- SKUs on sale, SMS recipients}
local missing = campaign_missing(hash(KEYS[1]))
if missing then
  return missing
end
local steward = string.match(ARGV[1], '^s:(.*)$')
if steward and redis.call('EXISTS', key('steward:' .. steward)) == 0 then
  return {'STEWARD_NOT_FOUND', 'steward ' .. steward .. ' is not registered'}
end
-- SINTERCARD walks the smaller set: a steward's few sold SKUs, or at most the catalogue.
return {'OK', redis.call('HGET', KEYS[2], ARGV[1]) or '0 0 0 0 0', redis.call('SCARD', KEYS[5]),
        redis.call('SINTERCARD', 2, KEYS[6], KEYS[3]), redis.call('SCARD', KEYS[3]), redis.call('HLEN', KEYS[4])}
