-- register: create a steward in a region and group, with zero totals in every ranking.
-- KEYS[1] campaign  KEYS[2] steward:<sid>  KEYS[3] names  KEYS[4] placements  KEYS[5] ledger
-- KEYS[6] rank:stewards  KEYS[7] rank:groups  KEYS[8] rank:regions  KEYS[9] rank:region:<r>
-- KEYS[10] rank:group:<g>  KEYS[11] rank:region-groups:<r>
-- ARGV[1] steward id  ARGV[2] name  ARGV[3] region  ARGV[4] group
local steward_id, name, region, group = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local campaign = hash(KEYS[1])
local missing = campaign_missing(campaign)
if missing then
  return missing
end
local registered_as = redis.call('HGET', KEYS[2], 'registered_as')
if registered_as then
  -- A replay of the original registration is a duplicate even after the steward has moved.
  if registered_as == region .. '|' .. group .. '|' .. name then
    return {'DUPLICATE'}
  end
  return {'STEWARD_CONFLICT', 'steward ' .. steward_id .. ' is registered with another name or placement; moves are transfers'}
end
local closed = campaign_closed(campaign)
if closed then
  return closed
end

-- checks done; writes
register(steward_id, name, region, group)
publish(region, group)
return {'APPLIED'}
