package dev.commission.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.SettleResult;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CommissionClientTest {
    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    void errorDetailsAreReadBack() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(new CommissionServiceGrpc.CommissionServiceImplBase() {
            @Override
            public void settleCommission(SettleCommissionRequest request, StreamObserver<SettleResult> observer) {
                com.google.rpc.Status status = com.google.rpc.Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE)
                        .setMessage("invalid request")
                        .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("INVALID_ARGUMENT").build()))
                        .addDetails(Any.pack(BadRequest.newBuilder().addFieldViolations(BadRequest.FieldViolation
                                .newBuilder().setField("order_no").setDescription("is required")).build()))
                        .build();
                observer.onError(StatusProto.toStatusRuntimeException(status));
            }
        }).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        CommissionClient client = new CommissionClient(channel);

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> client.settle("c1", "", "s1", List.of(CommissionClient.line("sku", 1, 100))));

        assertEquals("INVALID_ARGUMENT", CommissionErrors.reason(e).orElseThrow());
        assertEquals(List.of("order_no: is required"), CommissionErrors.fieldViolations(e));
    }

    @Test
    void commandLineWordsBecomeRulesLinesAndScopes() {
        CommissionRule rule = CommissionCli.rule(List.of("tiers=0:100,5000:300", "cap=900", "STAY"));

        assertEquals(2, rule.getTiers().getTiersCount());
        assertEquals(300, rule.getTiers().getTiers(1).getRateBps());
        assertEquals(900, rule.getCapFen());
        assertEquals(1_999, CommissionCli.lines(List.of("a:1:999", "b:2:1000")).stream().mapToLong(l -> l.getPaidFen()).sum());
        assertEquals(RankingScope.Kind.STEWARDS_IN_GROUP, CommissionClient.scope("STEWARDS_IN_GROUP:g1").getKind());
        assertEquals("g1", CommissionClient.scope("STEWARDS_IN_GROUP:g1").getId());
        assertThrows(IllegalArgumentException.class, () -> CommissionCli.lines(List.of("a:1")));
    }

    @Test
    void theQueueCommandsCallSettlementService() throws Exception {
        List<com.google.protobuf.Message> received = new java.util.ArrayList<>();
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(
                new dev.commission.api.v1.SettlementServiceGrpc.SettlementServiceImplBase() {
                    @Override
                    public void submitSettlement(SettleCommissionRequest request,
                                                 StreamObserver<dev.commission.api.v1.SubmitSettlementResponse> observer) {
                        received.add(request);
                        observer.onNext(dev.commission.api.v1.SubmitSettlementResponse.newBuilder().setOrderNo(request.getOrderNo())
                                .setState(dev.commission.api.v1.SettlementState.QUEUED).build());
                        observer.onCompleted();
                    }

                    @Override
                    public void listDeadLetters(dev.commission.api.v1.ListDeadLettersRequest request,
                                                StreamObserver<dev.commission.api.v1.DeadLetterPage> observer) {
                        received.add(request);
                        observer.onNext(dev.commission.api.v1.DeadLetterPage.getDefaultInstance());
                        observer.onCompleted();
                    }

                    @Override
                    public void discardDeadLetter(dev.commission.api.v1.DiscardDeadLetterRequest request,
                                                  StreamObserver<dev.commission.api.v1.DeadLetter> observer) {
                        received.add(request);
                        observer.onNext(dev.commission.api.v1.DeadLetter.newBuilder().setId(request.getId()).build());
                        observer.onCompleted();
                    }
                }).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        CommissionClient client = new CommissionClient(channel);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);

        CommissionCli.run(client, channel, List.of("submit", "c1", "o1", "s1", "sku:1:1000"), print);
        CommissionCli.run(client, channel, List.of("dead-letters", "-", "3/1-0", "5"), print);
        CommissionCli.run(client, channel, List.of("discard", "3/1-0", "steward", "left"), print);

        assertEquals(1_000, ((SettleCommissionRequest) received.get(0)).getLines(0).getPaidFen());
        assertEquals(dev.commission.api.v1.ListDeadLettersRequest.newBuilder().setAfter("3/1-0").setLimit(5).build(),
                received.get(1));
        assertEquals("steward left", ((dev.commission.api.v1.DiscardDeadLetterRequest) received.get(2)).getReason());
        assertEquals(true, out.toString(java.nio.charset.StandardCharsets.UTF_8).contains("state: QUEUED"));
    }
}
