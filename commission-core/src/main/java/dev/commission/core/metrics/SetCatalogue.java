package dev.commission.core.metrics;

import dev.commission.core.Validator;
import java.util.List;

/** The SKUs on sale in a campaign; replaces the previous catalogue; idempotent. */
public record SetCatalogue(String campaignId, List<String> skuIds) {
    public static final int MAX_SKUS = 100_000;

    public SetCatalogue {
        skuIds = skuIds == null ? List.of() : List.copyOf(skuIds);
    }

    public void validate() {
        Validator v = new Validator().id("campaign_id", campaignId)
                .check(skuIds.size() <= MAX_SKUS, "sku_ids", "must hold at most " + MAX_SKUS + " SKUs");
        Batches.ids(v, "sku_ids", skuIds);
        v.throwIfInvalid();
    }
}
