-- close-campaign: no more settlements, adjustments or transfers; refunds are still accepted.
-- KEYS[1] campaign hash  KEYS[2] ledger
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return {'CAMPAIGN_NOT_FOUND', 'campaign does not exist'}
end
if status == 'CLOSED' then
  return {'DUPLICATE'}
end

-- checks done; writes
redis.call('HSET', KEYS[1], 'status', 'CLOSED')
journal({type = 'close'})
return {'APPLIED'}
