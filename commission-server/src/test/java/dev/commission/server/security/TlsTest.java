package dev.commission.server.security;

import static dev.commission.server.testing.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.GetCampaignRequest;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.core.EngineFixture;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.testing.Certificates;
import dev.commission.server.testing.Certificates.Issued;
import dev.commission.server.testing.GuardedServer;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mutual TLS over real Netty, with certificates made for the test. */
@ExtendWith(RedisExtension.class)
class TlsTest {
    @TempDir
    Path dir;

    @Test
    void aClientTrustingTheCaShakesHandsAndAPlaintextClientIsRefused() throws Exception {
        Issued ca = Certificates.authority(dir, "ca");
        Issued serverCert = Certificates.leaf(dir, "server", "CN=localhost,O=Shop", ca);
        try (ServerTls tls = ServerTls.load(serverCert.certFile(), serverCert.keyFile(), null);
             GuardedServer server = GuardedServer.start(EngineFixture.engine(), RedisExtension.redisson(),
                     TokenStore.empty(), ClientSubjects.none(), tls.credentials())) {

            assertEquals(ServingStatus.SERVING, health(server, TlsChannelCredentials.newBuilder()
                    .trustManager(ca.certFile().toFile()).build()));
            assertEquals(Status.Code.UNAVAILABLE, failure(server, InsecureChannelCredentials.create()));
        }
    }

    @Test
    void aClientCertificateStandsForItsSubjectsRolesAndNoCertificateIsRefused() throws Exception {
        Issued ca = Certificates.authority(dir, "ca");
        Issued serverCert = Certificates.leaf(dir, "server", "CN=localhost,O=Shop", ca);
        Issued dashboard = Certificates.leaf(dir, "dashboard", "CN=dashboard,O=Shop", ca);
        Issued stranger = Certificates.leaf(dir, "stranger", "CN=stranger,O=Shop", Certificates.authority(dir, "other-ca"));
        ClientSubjects subjects = ClientSubjects.parse("read@CN=dashboard, O=Shop");
        try (ServerTls tls = ServerTls.load(serverCert.certFile(), serverCert.keyFile(), ca.certFile());
             GuardedServer server = GuardedServer.start(EngineFixture.engine(), RedisExtension.redisson(),
                     TokenStore.empty(), subjects, tls.credentials())) {
            ChannelCredentials asDashboard = TlsChannelCredentials.newBuilder().trustManager(ca.certFile().toFile())
                    .keyManager(dashboard.certFile().toFile(), dashboard.keyFile().toFile()).build();
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", server.port(), asDashboard).build();
            try {
                CommissionServiceGrpc.CommissionServiceBlockingStub stub = CommissionServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS);
                refused(Status.Code.NOT_FOUND, "CAMPAIGN_NOT_FOUND",
                        () -> stub.getCampaign(GetCampaignRequest.newBuilder().setCampaignId("c1").build()));
                refused(Status.Code.PERMISSION_DENIED, AccessInterceptor.PERMISSION_DENIED,
                        () -> stub.settleCommission(SettleCommissionRequest.getDefaultInstance()));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }

            assertEquals(Status.Code.UNAVAILABLE, failure(server, TlsChannelCredentials.newBuilder()
                    .trustManager(ca.certFile().toFile()).build()), "no client certificate");
            assertEquals(Status.Code.UNAVAILABLE, failure(server, TlsChannelCredentials.newBuilder()
                    .trustManager(ca.certFile().toFile())
                    .keyManager(stranger.certFile().toFile(), stranger.keyFile().toFile()).build()),
                    "a certificate another CA signed");
        }
    }

    @Test
    void aRenewedCertificateIsServedWithoutARestart() throws Exception {
        Issued oldCa = Certificates.authority(dir, "old-ca");
        Issued newCa = Certificates.authority(dir, "new-ca");
        Issued oldCert = Certificates.leaf(dir, "old", "CN=localhost", oldCa);
        Issued newCert = Certificates.leaf(dir, "new", "CN=localhost", newCa);
        Path cert = Files.copy(oldCert.certFile(), dir.resolve("server.crt"));
        Path key = Files.copy(oldCert.keyFile(), dir.resolve("server.key"));
        ChannelCredentials trustingNewCa = TlsChannelCredentials.newBuilder().trustManager(newCa.certFile().toFile()).build();
        try (ServerTls tls = ServerTls.load(cert, key, null);
             GuardedServer server = GuardedServer.start(EngineFixture.engine(), RedisExtension.redisson(),
                     TokenStore.empty(), ClientSubjects.none(), tls.credentials())) {
            assertEquals(Status.Code.UNAVAILABLE, failure(server, trustingNewCa), "the old certificate is served");

            Files.copy(newCert.keyFile(), dir.resolve("key.tmp"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(newCert.certFile(), dir.resolve("cert.tmp"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(dir.resolve("key.tmp"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(dir.resolve("cert.tmp"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            // grpc-java looks at the files once a minute.
            long deadline = System.nanoTime() + ServerTls.RELOAD_CHECK.multipliedBy(2).plusSeconds(30).toNanos();
            boolean renewed = false;
            while (!renewed && System.nanoTime() < deadline) {
                renewed = failure(server, trustingNewCa) == Status.Code.OK;
                if (!renewed) {
                    Thread.sleep(500); // polling for a condition with a deadline
                }
            }
            assertTrue(renewed, "a new connection gets the renewed certificate");
            assertFalse(failure(server, TlsChannelCredentials.newBuilder().trustManager(oldCa.certFile().toFile())
                    .build()) == Status.Code.OK, "the old certificate is no longer served");
        }
    }

    private static ServingStatus health(GuardedServer server, ChannelCredentials credentials) throws InterruptedException {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", server.port(), credentials).build();
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** The code a health check ends with over these credentials (OK when it is answered). */
    private static Status.Code failure(GuardedServer server, ChannelCredentials credentials) throws InterruptedException {
        try {
            health(server, credentials);
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }
}
