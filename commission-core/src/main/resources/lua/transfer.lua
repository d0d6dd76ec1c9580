-- transfer: move a steward to another region and group. FOLLOW: its net commission moves with
-- it. STAY: what it earned stays credited to the old group and region.
-- KEYS[1] campaign  KEYS[2] steward:<sid>  KEYS[3] transfers  KEYS[4] placements  KEYS[5] ledger
-- KEYS[6] rank:stewards  KEYS[7] rank:groups  KEYS[8] rank:regions  KEYS[9] rank:region:<to>
-- KEYS[10] rank:group:<to>  KEYS[11] rank:region-groups:<to>
-- ARGV[1] steward id  ARGV[2] transfer id  ARGV[3] to region  ARGV[4] to group  ARGV[5] fingerprint
local steward_id, transfer_id, to_region, to_group, fp = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

local campaign = hash(KEYS[1])
local missing = campaign_missing(campaign)
if missing then
  return missing
end
-- the record is "<fingerprint> <from region> <from group> <to region> <to group> <moved fen>"
local field = steward_id .. ':' .. transfer_id
local steward = hash(KEYS[2])
local refusal = replay(redis.call('HGET', KEYS[3], field), fp, 'TRANSFER_CONFLICT',
    'transfer ' .. transfer_id .. ' of steward ' .. steward_id)
    or campaign_closed(campaign) or steward_missing(steward, steward_id)
if refusal then
  return refusal
end
local follow = campaign.policy ~= 'STAY'
local from_region, from_group = steward.region, steward.group
-- A transfer to where the steward already is moves nothing, so it is neither checked for room
-- nor journaled nor announced. Its idempotency record is still kept: a replay after a later move
-- answers DUPLICATE instead of moving the steward back.
local staying = from_region == to_region and from_group == to_group
if not staying then
  refusal = check_move(steward, to_region, to_group, follow, 0)
  if refusal then
    return refusal
  end
  touch_placement(from_region, from_group)
end
-- checks done; writes
local moved = 0
if not staying then
  moved = move(steward_id, steward, to_region, to_group, follow, transfer_id)
  publish(from_region, from_group, to_region, to_group)
end
redis.call('HSET', KEYS[3], field, table.concat({fp, from_region, from_group, to_region, to_group, int(moved)}, ' '))
return {'APPLIED', from_region, from_group, to_region, to_group, moved}
