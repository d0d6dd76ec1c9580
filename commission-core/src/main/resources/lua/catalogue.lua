-- catalogue: replace a campaign's SKUs on sale, written in slices so that no call holds Redis for
-- long: each 'stage' call adds a slice to a staging set named by the new catalogue's digest, and
-- 'swap' puts the staging set in the catalogue's place at once. Every step is idempotent: the
-- same catalogue staged twice is the same set, and once swapped in its digest answers DUPLICATE.
-- A staging set that is never swapped (the caller died) expires after an hour.
-- KEYS[1] campaign  KEYS[2] catalogue  KEYS[3] catalogue-staging:<digest>  KEYS[4] catalogue-digest
-- ARGV[1] 'stage' or 'swap'  ARGV[2] digest of the whole catalogue (sorted, unique SKUs)
-- stage: ARGV[3..] SKU ids of this slice          -> {'APPLIED'} or {'DUPLICATE', skus}
-- swap:  ARGV[3] SKUs the whole catalogue holds    -> {'APPLIED', skus} or {'DUPLICATE', skus}
local STAGING_TTL_SECONDS = 3600
local step, digest = ARGV[1], ARGV[2]

local missing = campaign_missing(hash(KEYS[1]))
if missing then
  return missing
end
if redis.call('GET', KEYS[4]) == digest then
  return {'DUPLICATE', redis.call('SCARD', KEYS[2])}
end
if step == 'stage' then
  -- checks done; writes
  redis.call('SADD', KEYS[3], unpack(ARGV, 3))
  redis.call('EXPIRE', KEYS[3], STAGING_TTL_SECONDS)
  return {'APPLIED'}
end
local want = tonumber(ARGV[3])
if redis.call('SCARD', KEYS[3]) ~= want then
  return {'CATALOGUE_INCOMPLETE', 'the staged catalogue holds ' .. redis.call('SCARD', KEYS[3]) .. ' of its '
      .. want .. ' SKUs (expired or still being written); set it again'}
end
-- checks done; writes
-- UNLINK frees the old set in the background: freeing 100,000 members here would hold Redis.
redis.call('UNLINK', KEYS[2])
if want > 0 then
  redis.call('RENAME', KEYS[3], KEYS[2])
  redis.call('PERSIST', KEYS[2])
end
redis.call('SET', KEYS[4], digest)
return {'APPLIED', want}
