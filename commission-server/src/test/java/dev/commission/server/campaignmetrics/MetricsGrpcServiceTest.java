package dev.commission.server.campaignmetrics;

import static dev.commission.server.testing.Refusals.refused;
import static dev.commission.server.testing.Refusals.violatedFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.api.v1.CampaignMetrics;
import dev.commission.api.v1.Figure;
import dev.commission.api.v1.GetCampaignMetricsRequest;
import dev.commission.api.v1.MetricsServiceGrpc.MetricsServiceBlockingStub;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.RecordSmsSentRequest;
import dev.commission.api.v1.RecordVisitsRequest;
import dev.commission.api.v1.SetCatalogueRequest;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.Visit;
import dev.commission.core.EngineFixture;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.testing.InProcessServer;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** MetricsService in process against a real redis-server: the figures over gRPC and every refusal's status. */
@ExtendWith(RedisExtension.class)
class MetricsGrpcServiceTest {
    private InProcessServer server;
    private MetricsServiceBlockingStub metrics;

    @BeforeEach
    void start() {
        server = InProcessServer.start(EngineFixture.engine(), RedisExtension.redisson()).withCampaignC1();
        metrics = server.metrics();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * Catalogue {a, b, c}; visitors v1, v2 by s1, v3 by nobody; SMS to v2 at t=1 ms; v2 buys 3 x a
     * for 1,000 fen through s1 (settled now, after the SMS). Campaign: avg 1,000 / 3 = 333 fen,
     * sell-through 1 / 3 = 3,333 bp, conversion 1 / 3 = 3,333 bp, recall 1 / 1 = 10,000 bp.
     * Steward s1: conversion 1 / 2 = 5,000 bp.
     */
    @Test
    void figuresThroughGrpc() {
        metrics.setCatalogue(SetCatalogueRequest.newBuilder().setCampaignId("c1").addAllSkuIds(List.of("a", "b", "c")).build());
        metrics.recordVisits(RecordVisitsRequest.newBuilder().setCampaignId("c1")
                .addVisits(visit("v1", "s1")).addVisits(visit("v2", "s1")).addVisits(visit("v3", "")).build());
        assertTrue(metrics.recordSmsSent(sms("m1", 1, "v2")).getRecorded());
        server.commission().settleCommission(SettleCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo("o1")
                .setStewardId("s1").setBuyerId("v2")
                .addLines(OrderLine.newBuilder().setSkuId("a").setQuantity(3).setPaidFen(1_000)).build());

        CampaignMetrics campaign = metrics.getCampaignMetrics(GetCampaignMetricsRequest.newBuilder().setCampaignId("c1").build());
        assertEquals(figure(1_000, 3, 333), campaign.getAvgPricePerItem());
        assertEquals(figure(1, 3, 3_333), campaign.getSellThrough());
        assertEquals(figure(1, 3, 3_333), campaign.getConversion());
        assertEquals(figure(1, 1, 10_000), campaign.getSmsRecall());
        assertEquals(List.of(1_000L, 3L, 1L, 1L, 3L, 1L), List.of(campaign.getPaidFen(), campaign.getItems(),
                campaign.getOrders(), campaign.getBuyers(), campaign.getVisitors(), campaign.getSmsRecipients()));
        CampaignMetrics steward = metrics.getCampaignMetrics(GetCampaignMetricsRequest.newBuilder().setCampaignId("c1")
                .setStewardId("s1").build());
        assertEquals(figure(1, 2, 5_000), steward.getConversion());
    }

    @Test
    void aZeroDenominatorLeavesTheValueUnset() {
        CampaignMetrics m = metrics.getCampaignMetrics(GetCampaignMetricsRequest.newBuilder().setCampaignId("c1")
                .setRegionId("r1").build());
        for (Figure f : List.of(m.getAvgPricePerItem(), m.getSellThrough(), m.getConversion(), m.getSmsRecall())) {
            assertFalse(f.hasValue(), f.toString());
        }
    }

    @Test
    void badInputIsInvalidArgumentWithFieldDetailsAndWritesNothing() {
        Map<String, String> before = EngineFixture.campaignKeys("c1");
        List<String> tooMany = IntStream.range(0, 10_001).mapToObj(i -> "v" + i).toList();

        assertEquals(List.of("recipient_ids"), violatedFields(refused(Status.Code.INVALID_ARGUMENT,
                () -> metrics.recordSmsSent(sms("m1", 1, tooMany.toArray(String[]::new))))));
        assertEquals(List.of("batch_id", "sent_at_ms"), violatedFields(refused(Status.Code.INVALID_ARGUMENT,
                () -> metrics.recordSmsSent(sms("", 0, "v1")))));
        assertEquals(List.of("visits[0].steward_id"), violatedFields(refused(Status.Code.INVALID_ARGUMENT,
                () -> metrics.recordVisits(RecordVisitsRequest.newBuilder().setCampaignId("c1").addVisits(visit("v1", "s 1")).build()))));
        assertEquals(List.of("sku_ids[0]"), violatedFields(refused(Status.Code.INVALID_ARGUMENT,
                () -> metrics.setCatalogue(SetCatalogueRequest.newBuilder().setCampaignId("c1").addSkuIds("").build()))));
        assertEquals(List.of("group_id"), violatedFields(refused(Status.Code.INVALID_ARGUMENT,
                () -> metrics.getCampaignMetrics(GetCampaignMetricsRequest.newBuilder().setCampaignId("c1").setGroupId("").build()))));
        assertEquals(List.of("buyer_id"), violatedFields(refused(Status.Code.INVALID_ARGUMENT,
                () -> server.commission().settleCommission(SettleCommissionRequest.newBuilder().setCampaignId("c1")
                        .setOrderNo("o1").setStewardId("s1").setBuyerId("no way")
                        .addLines(OrderLine.newBuilder().setSkuId("a").setQuantity(1).setPaidFen(100)).build()))));
        assertEquals(before, EngineFixture.campaignKeys("c1"));
    }

    @Test
    void refusalsMapToTheirCodes() {
        refused(Status.Code.NOT_FOUND, "CAMPAIGN_NOT_FOUND", () -> metrics.getCampaignMetrics(
                GetCampaignMetricsRequest.newBuilder().setCampaignId("nope").build()));
        refused(Status.Code.NOT_FOUND, "STEWARD_NOT_FOUND", () -> metrics.getCampaignMetrics(
                GetCampaignMetricsRequest.newBuilder().setCampaignId("c1").setStewardId("ghost").build()));
        refused(Status.Code.NOT_FOUND, "STEWARD_NOT_FOUND", () -> metrics.recordVisits(
                RecordVisitsRequest.newBuilder().setCampaignId("c1").addVisits(visit("v1", "ghost")).build()));
        metrics.recordSmsSent(sms("m1", 1, "v1"));
        assertFalse(metrics.recordSmsSent(sms("m1", 1, "v1")).getRecorded());
        refused(Status.Code.ALREADY_EXISTS, "SMS_BATCH_CONFLICT", () -> metrics.recordSmsSent(sms("m1", 1, "v2")));
    }

    private static Visit visit(String visitor, String steward) {
        return Visit.newBuilder().setVisitorId(visitor).setStewardId(steward).setAtMs(1).build();
    }

    private static RecordSmsSentRequest sms(String batch, long sentAt, String... recipients) {
        return RecordSmsSentRequest.newBuilder().setCampaignId("c1").setBatchId(batch).setSentAtMs(sentAt)
                .addAllRecipientIds(List.of(recipients)).build();
    }

    private static Figure figure(long numerator, long denominator, long value) {
        return Figure.newBuilder().setNumerator(numerator).setDenominator(denominator).setValue(value).build();
    }
}
