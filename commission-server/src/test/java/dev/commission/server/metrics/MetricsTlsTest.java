package dev.commission.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.server.security.ClientSubjects;
import dev.commission.server.security.ServerTls;
import dev.commission.server.security.TokenStore;
import dev.commission.server.testing.Certificates;
import dev.commission.server.testing.Certificates.Issued;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics port under mutual TLS: a certificate with the read role scrapes, one without a certificate cannot connect. */
class MetricsTlsTest {

    @Test
    void aReaderCertificateScrapesOverHttpsAndOthersAreTurnedAway(@TempDir Path dir) throws Exception {
        Issued ca = Certificates.authority(dir, "ca");
        Issued server = Certificates.leaf(dir, "server", "CN=localhost", ca);
        Issued prometheus = Certificates.leaf(dir, "prometheus", "CN=prometheus,O=Shop", ca);
        Issued orders = Certificates.leaf(dir, "orders", "CN=orders,O=Shop", ca);
        ClientSubjects subjects = ClientSubjects.parse("read@CN=prometheus,O=Shop; settle@CN=orders,O=Shop");
        try (ServerTls tls = ServerTls.load(server.certFile(), server.keyFile(), ca.certFile());
             ServerMetrics metrics = new ServerMetrics();
             MetricsHttpServer http = MetricsHttpServer.start(new InetSocketAddress("127.0.0.1", 0), metrics,
                     TokenStore.empty(), subjects, tls.sslContext(), tls.mutual())) {
            URI uri = URI.create("https://localhost:" + http.port() + "/metrics");

            HttpResponse<String> scraped = client(ca, prometheus).send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scraped.statusCode());
            assertTrue(scraped.body().contains("jvm_threads_live_threads"));

            assertEquals(403, client(ca, orders).send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), "a certificate without the read role");
            assertThrows(IOException.class, () -> client(ca, null).send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.discarding()), "no client certificate: no handshake");
        }
    }

    private static HttpClient client(Issued ca, Issued identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (identity != null) {
            keys.setKeyEntry("me", identity.keys().getPrivate(), new char[0], new Certificate[] {identity.certificate()});
        }
        keyManagers.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).build();
    }
}
