-- adjust: an operator's credit or debit with a reason, credited at the steward's current
-- placement; never takes a steward below zero.
-- KEYS[1] campaign  KEYS[2] steward:<sid>  KEYS[3] adjustments  KEYS[4] totals  KEYS[5] ledger
-- KEYS[6] rank:stewards  KEYS[7] rank:groups  KEYS[8] rank:regions
-- ARGV[1] adjustment id  ARGV[2] steward id  ARGV[3] delta fen (signed)  ARGV[4] reason  ARGV[5] fingerprint
local adjustment_id, steward_id, delta, reason, fp = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]

local campaign = hash(KEYS[1])
local missing = campaign_missing(campaign)
if missing then
  return missing
end
-- the record is "<fingerprint> <steward earned after>"
local steward = hash(KEYS[2])
local refusal = replay(redis.call('HGET', KEYS[3], adjustment_id), fp, 'ADJUSTMENT_CONFLICT', 'adjustment ' .. adjustment_id)
    or campaign_closed(campaign) or steward_missing(steward, steward_id)
    or check_credit(steward, steward.region, steward.group, delta)
if refusal then
  return refusal
end
touch_placement(steward.region, steward.group)
-- checks done; writes
journal({type = 'adjust', steward = steward_id, delta = int(delta), region = steward.region, group = steward.group,
         adjustment = adjustment_id, reason = reason})
local earned = credit(steward_id, steward, steward.region, steward.group, delta)
redis.call('HINCRBY', KEYS[2], 'version', 1)
redis.call('HSET', KEYS[3], adjustment_id, fp .. ' ' .. int(earned))
publish(steward.region, steward.group)
return {'APPLIED', earned}
