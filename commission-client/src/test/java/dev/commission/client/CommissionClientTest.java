package dev.commission.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.commission.api.v1.CommissionServiceGrpc;
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
}
