package dev.commission.server.queue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.commission.api.v1.DeadLetterPage;
import dev.commission.api.v1.DeadLetterStatus;
import dev.commission.api.v1.FieldError;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.PartitionStats;
import dev.commission.api.v1.QueueStats;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.Settlement;
import dev.commission.api.v1.SettlementError;
import dev.commission.api.v1.SettlementState;
import dev.commission.api.v1.SubmitSettlementResponse;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.queue.DeadLetter;
import dev.commission.core.queue.QueueError;
import dev.commission.core.queue.Submission;
import dev.commission.server.status.StatusMapper;

/** Between the settlement queue's domain records and SettlementService's messages. */
final class SettlementMapper {
    private SettlementMapper() {
    }

    /** What a failure is called in a settlement's last error: the status code, the reason and the message a caller would get. */
    static QueueError describe(Throwable failure) {
        SettlementError error = error(failure, "Settlement");
        return new QueueError(error.getCode(), error.getReason(), error.getMessage());
    }

    static SettlementError error(Throwable failure, String operation) {
        com.google.rpc.Status status = StatusMapper.toStatus(failure, operation);
        SettlementError.Builder error = SettlementError.newBuilder()
                .setCode(Code.forNumber(status.getCode()).name()).setMessage(status.getMessage());
        for (com.google.protobuf.Any detail : status.getDetailsList()) {
            try {
                if (detail.is(ErrorInfo.class)) {
                    error.setReason(detail.unpack(ErrorInfo.class).getReason());
                } else if (detail.is(BadRequest.class)) {
                    for (BadRequest.FieldViolation v : detail.unpack(BadRequest.class).getFieldViolationsList()) {
                        error.addFieldErrors(FieldError.newBuilder().setField(v.getField()).setDescription(v.getDescription()));
                    }
                }
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }
        return error.build();
    }

    static SubmitSettlementResponse submission(Submission s) {
        return SubmitSettlementResponse.newBuilder().setCampaignId(s.campaignId()).setOrderNo(s.orderNo())
                .setState(state(s.state())).build();
    }

    static SettlementState state(dev.commission.core.queue.SettlementState state) {
        return switch (state) {
            case QUEUED -> SettlementState.QUEUED;
            case SETTLED -> SettlementState.SETTLED;
            case DEAD -> SettlementState.DEAD;
        };
    }

    static Settlement settlement(dev.commission.core.queue.Settlement s) {
        Settlement.Builder b = Settlement.newBuilder().setCampaignId(s.campaignId()).setOrderNo(s.orderNo())
                .setState(state(s.state())).setAttempts(s.attempts()).setCommissionFen(s.commissionFen())
                .setQueuedAtMs(s.queuedAtMs()).setSettledAtMs(s.settledAtMs()).setDeadLetterId(s.deadLetterId());
        if (!s.lastError().isEmpty()) {
            b.setLastError(error(s.lastError()));
        }
        return b.build();
    }

    private static SettlementError error(QueueError e) {
        return SettlementError.newBuilder().setCode(e.code()).setReason(e.reason()).setMessage(e.message()).build();
    }

    static dev.commission.api.v1.DeadLetter deadLetter(DeadLetter d) {
        return dev.commission.api.v1.DeadLetter.newBuilder().setId(d.id()).setRequest(request(d.request()))
                .setAttempts(d.attempts()).setLastError(error(d.lastError())).setDeadAtMs(d.deadAtMs())
                .setStatus(switch (d.status()) {
                    case OPEN -> DeadLetterStatus.DEAD_LETTER_OPEN;
                    case REPLAYED -> DeadLetterStatus.DEAD_LETTER_REPLAYED;
                    case DISCARDED -> DeadLetterStatus.DEAD_LETTER_DISCARDED;
                })
                .setClosedAtMs(d.closedAtMs()).setDiscardReason(d.discardReason()).build();
    }

    static DeadLetterPage page(dev.commission.core.queue.DeadLetterPage page) {
        DeadLetterPage.Builder b = DeadLetterPage.newBuilder().setNextAfter(page.nextAfter());
        page.deadLetters().forEach(d -> b.addDeadLetters(deadLetter(d)));
        return b.build();
    }

    private static SettleCommissionRequest request(SettleCommission r) {
        SettleCommissionRequest.Builder b = SettleCommissionRequest.newBuilder().setCampaignId(r.campaignId())
                .setOrderNo(r.orderNo()).setStewardId(r.stewardId()).setRegionId(r.regionId())
                .setGroupId(r.groupId()).setStewardName(r.stewardName()).setBuyerId(r.buyerId());
        r.lines().forEach(l -> b.addLines(OrderLine.newBuilder().setSkuId(l.skuId()).setQuantity(l.quantity())
                .setPaidFen(l.paidFen())));
        return b.build();
    }

    static QueueStats stats(dev.commission.core.queue.QueueStats stats) {
        QueueStats.Builder b = QueueStats.newBuilder().setTotal(partition(stats.total()));
        stats.partitions().forEach(p -> b.addPartitions(partition(p)));
        return b.build();
    }

    private static PartitionStats partition(dev.commission.core.queue.QueueStats.Partition p) {
        return PartitionStats.newBuilder().setPartition(Math.max(p.partition(), 0)).setDepth(p.depth())
                .setInFlight(p.inFlight()).setOldestUnacknowledgedMs(p.oldestUnacknowledgedMs())
                .setDeliveriesRetried(p.deliveriesRetried()).setDeadLetters(p.deadLetters()).build();
    }
}
