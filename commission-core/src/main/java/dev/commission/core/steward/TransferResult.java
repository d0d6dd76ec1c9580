package dev.commission.core.steward;

import dev.commission.core.order.Outcome;

/** Where the steward came from and went, and what commission moved with it (0 under STAY). */
public record TransferResult(String transferId, Outcome outcome, String fromRegionId, String fromGroupId,
                             String toRegionId, String toGroupId, long movedFen) {
}
