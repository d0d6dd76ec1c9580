package dev.commission.server.campaignmetrics;

import dev.commission.api.v1.CampaignMetrics;
import dev.commission.api.v1.Figure;
import dev.commission.api.v1.GetCampaignMetricsRequest;
import dev.commission.api.v1.RecordSmsSentRequest;
import dev.commission.api.v1.RecordSmsSentResponse;
import dev.commission.api.v1.RecordVisitsRequest;
import dev.commission.api.v1.SetCatalogueRequest;
import dev.commission.api.v1.SetCatalogueResponse;
import dev.commission.core.metrics.MetricsBook;
import dev.commission.core.metrics.MetricsScope;
import dev.commission.core.metrics.RecordSmsSent;
import dev.commission.core.metrics.RecordVisits;
import dev.commission.core.metrics.SetCatalogue;
import dev.commission.core.metrics.Visit;

/** Maps MetricsService messages to the core's metrics types and back. */
final class MetricsMapper {
    private MetricsMapper() {
    }

    static SetCatalogue catalogue(SetCatalogueRequest request) {
        return new SetCatalogue(request.getCampaignId(), request.getSkuIdsList());
    }

    static SetCatalogueResponse catalogue(MetricsBook.CatalogueResult result) {
        return SetCatalogueResponse.newBuilder().setSkus(result.skus()).setChanged(result.changed()).build();
    }

    static RecordVisits visits(RecordVisitsRequest request) {
        return new RecordVisits(request.getCampaignId(), request.getVisitsList().stream()
                .map(v -> new Visit(v.getVisitorId(), v.getStewardId(), v.getAtMs())).toList());
    }

    static RecordSmsSent sms(RecordSmsSentRequest request) {
        return new RecordSmsSent(request.getCampaignId(), request.getBatchId(), request.getRecipientIdsList(),
                request.getSentAtMs());
    }

    static RecordSmsSentResponse sms(long added) {
        return RecordSmsSentResponse.newBuilder().setRecorded(added >= 0).setNewRecipients(Math.max(0, added)).build();
    }

    static MetricsScope scope(GetCampaignMetricsRequest request) {
        return switch (request.getScopeCase()) {
            case STEWARD_ID -> MetricsScope.steward(request.getStewardId());
            case GROUP_ID -> MetricsScope.group(request.getGroupId());
            case REGION_ID -> MetricsScope.region(request.getRegionId());
            case SCOPE_NOT_SET -> MetricsScope.CAMPAIGN;
        };
    }

    static CampaignMetrics metrics(dev.commission.core.metrics.CampaignMetrics m) {
        return CampaignMetrics.newBuilder()
                .setAvgPricePerItem(figure(m.avgPricePerItem()))
                .setSellThrough(figure(m.sellThrough()))
                .setConversion(figure(m.conversion()))
                .setSmsRecall(figure(m.smsRecall()))
                .setPaidFen(m.paidFen()).setItems(m.items()).setOrders(m.orders()).setBuyers(m.buyers())
                .setVisitors(m.visitors()).setSmsRecipients(m.smsRecipients())
                .build();
    }

    private static Figure figure(dev.commission.core.metrics.Figure f) {
        Figure.Builder b = Figure.newBuilder().setNumerator(f.numerator()).setDenominator(f.denominator());
        f.value().ifPresent(b::setValue);
        return b.build();
    }
}
