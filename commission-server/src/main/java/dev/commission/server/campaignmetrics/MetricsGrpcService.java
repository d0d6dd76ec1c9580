package dev.commission.server.campaignmetrics;

import static dev.commission.server.status.Replies.unary;

import dev.commission.api.v1.CampaignMetrics;
import dev.commission.api.v1.GetCampaignMetricsRequest;
import dev.commission.api.v1.MetricsServiceGrpc;
import dev.commission.api.v1.RecordSmsSentRequest;
import dev.commission.api.v1.RecordSmsSentResponse;
import dev.commission.api.v1.RecordVisitsRequest;
import dev.commission.api.v1.RecordVisitsResponse;
import dev.commission.api.v1.SetCatalogueRequest;
import dev.commission.api.v1.SetCatalogueResponse;
import dev.commission.core.CommissionEngine;
import io.grpc.stub.StreamObserver;

/** MetricsService: the catalogue, visits, SMS batches and the campaign metrics, through the engine. */
public final class MetricsGrpcService extends MetricsServiceGrpc.MetricsServiceImplBase {
    private final CommissionEngine engine;

    public MetricsGrpcService(CommissionEngine engine) {
        this.engine = engine;
    }

    @Override
    public void setCatalogue(SetCatalogueRequest request, StreamObserver<SetCatalogueResponse> observer) {
        unary("SetCatalogue", () -> engine.setCatalogue(MetricsMapper.catalogue(request)), MetricsMapper::catalogue,
                observer);
    }

    @Override
    public void recordVisits(RecordVisitsRequest request, StreamObserver<RecordVisitsResponse> observer) {
        unary("RecordVisits", () -> engine.recordVisits(MetricsMapper.visits(request)),
                added -> RecordVisitsResponse.newBuilder().setNewVisitors(added).build(), observer);
    }

    @Override
    public void recordSmsSent(RecordSmsSentRequest request, StreamObserver<RecordSmsSentResponse> observer) {
        unary("RecordSmsSent", () -> engine.recordSmsSent(MetricsMapper.sms(request)), MetricsMapper::sms, observer);
    }

    @Override
    public void getCampaignMetrics(GetCampaignMetricsRequest request, StreamObserver<CampaignMetrics> observer) {
        unary("GetCampaignMetrics", () -> engine.campaignMetrics(request.getCampaignId(), MetricsMapper.scope(request)),
                MetricsMapper::metrics, observer);
    }
}
