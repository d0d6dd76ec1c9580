package dev.commission.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import dev.commission.api.v1.DeadLetter;
import dev.commission.api.v1.DeadLetterPage;
import dev.commission.api.v1.DiscardDeadLetterRequest;
import dev.commission.api.v1.ListDeadLettersRequest;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.SettlementServiceGrpc;
import dev.commission.api.v1.SettlementState;
import dev.commission.api.v1.SubmitSettlementResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The queue commands build the requests their arguments say (the server's answers are tested in the server module). */
class QueueCommandsTest {
    private final List<Message> received = new ArrayList<>();
    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void close() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void theQueueCommandsCallSettlementService() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(new RecordingSettlements()).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        StringWriter out = new StringWriter();

        run(out, "submit", "c1", "o1", "s1", "sku:1:1000");
        run(out, "dead-letters", "-", "3/1-0", "5");
        run(out, "discard", "3/1-0", "steward", "left");

        assertEquals(1_000, ((SettleCommissionRequest) received.get(0)).getLines(0).getPaidFen());
        assertEquals(ListDeadLettersRequest.newBuilder().setAfter("3/1-0").setLimit(5).build(), received.get(1));
        assertEquals("steward left", ((DiscardDeadLetterRequest) received.get(2)).getReason());
        assertTrue(out.toString().contains("state: QUEUED"), out.toString());
    }

    private void run(StringWriter out, String... args) {
        StringWriter err = new StringWriter();
        assertEquals(0, CommissionCli.run(channel, new PrintWriter(out), new PrintWriter(err), args), err.toString());
    }

    private final class RecordingSettlements extends SettlementServiceGrpc.SettlementServiceImplBase {
        @Override
        public void submitSettlement(SettleCommissionRequest request, StreamObserver<SubmitSettlementResponse> observer) {
            received.add(request);
            observer.onNext(SubmitSettlementResponse.newBuilder().setOrderNo(request.getOrderNo())
                    .setState(SettlementState.QUEUED).build());
            observer.onCompleted();
        }

        @Override
        public void listDeadLetters(ListDeadLettersRequest request, StreamObserver<DeadLetterPage> observer) {
            received.add(request);
            observer.onNext(DeadLetterPage.getDefaultInstance());
            observer.onCompleted();
        }

        @Override
        public void discardDeadLetter(DiscardDeadLetterRequest request, StreamObserver<DeadLetter> observer) {
            received.add(request);
            observer.onNext(DeadLetter.newBuilder().setId(request.getId()).build());
            observer.onCompleted();
        }
    }
}
