-- create-campaign: store a campaign's definition once.
-- KEYS[1] campaign hash
-- ARGV[1] name  ARGV[2] rule kind (fixed|rate|tiers)  ARGV[3] rule value (fen | bps | min:bps,...)
-- ARGV[4] cap per order, fen (0 = none)  ARGV[5] transfer policy (FOLLOW|STAY)  ARGV[6] fingerprint
local existing = redis.call('HGET', KEYS[1], 'fp')
if existing then
  if existing == ARGV[6] then
    return {'DUPLICATE'}
  end
  return {'CAMPAIGN_CONFLICT', 'campaign exists with a different definition'}
end

-- checks done; writes
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'rule', ARGV[2], 'rule_value', ARGV[3], 'cap', ARGV[4],
    'policy', ARGV[5], 'status', 'OPEN', 'fp', ARGV[6])
return {'APPLIED'}
