package dev.commission.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.commission.api.v1.Campaign;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.GetCampaignRequest;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BearerTokenTest {

    @Test
    void everyCallCarriesTheTokenAsABearerHeader() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        ServerInterceptor capture = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                seen.set(headers.get(BearerToken.AUTHORIZATION));
                return next.startCall(call, headers);
            }
        };
        String name = InProcessServerBuilder.generateName();
        Server server = InProcessServerBuilder.forName(name).directExecutor().addService(ServerInterceptors.intercept(
                new CommissionServiceGrpc.CommissionServiceImplBase() {
                    @Override
                    public void getCampaign(GetCampaignRequest request, StreamObserver<Campaign> observer) {
                        observer.onNext(Campaign.getDefaultInstance());
                        observer.onCompleted();
                    }
                }, capture)).build().start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            CommissionServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, new BearerToken(" s3cret\n")))
                    .getCampaign(GetCampaignRequest.getDefaultInstance());

            assertEquals("Bearer s3cret", seen.get());
            assertFalse(new BearerToken("s3cret").toString().contains("s3cret"));
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }
}
