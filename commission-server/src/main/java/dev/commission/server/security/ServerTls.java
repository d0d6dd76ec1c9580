package dev.commission.server.security;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * TLS for the server's ports from PEM files: the server's certificate chain and key, and
 * optionally a client CA, which makes every client show a certificate it signed (mutual TLS).
 * grpc-java's advanced TLS managers re-read the files when they change (checked every
 * {@link #RELOAD_CHECK}), so renewed certificates are served without a restart; connections
 * already open keep the certificate they shook hands with.
 */
public final class ServerTls implements AutoCloseable {
    /** grpc-java checks no more often than once a minute (shorter periods are raised to a minute). */
    public static final Duration RELOAD_CHECK = Duration.ofMinutes(1);

    private final AdvancedTlsX509KeyManager keyManager;
    private final AdvancedTlsX509TrustManager trustManager;
    private final ScheduledExecutorService reloader;
    private final AutoCloseable keyReload;
    private final AutoCloseable trustReload;

    private ServerTls(AdvancedTlsX509KeyManager keyManager, AdvancedTlsX509TrustManager trustManager,
                      ScheduledExecutorService reloader, AutoCloseable keyReload, AutoCloseable trustReload) {
        this.keyManager = keyManager;
        this.trustManager = trustManager;
        this.reloader = reloader;
        this.keyReload = keyReload;
        this.trustReload = trustReload;
    }

    /** Reads the files now (a bad file fails here) and starts watching them for changes. */
    public static ServerTls load(Path cert, Path key, Path clientCa)
            throws IOException, GeneralSecurityException {
        ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "tls-reload");
            thread.setDaemon(true);
            return thread;
        });
        try {
            AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
            AutoCloseable keyReload = keyManager.updateIdentityCredentials(cert.toFile(), key.toFile(),
                    RELOAD_CHECK.toSeconds(), TimeUnit.SECONDS, reloader);
            AdvancedTlsX509TrustManager trustManager = null;
            AutoCloseable trustReload = () -> { };
            if (clientCa != null) {
                trustManager = AdvancedTlsX509TrustManager.newBuilder()
                        .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION).build();
                trustReload = trustManager.updateTrustCredentials(clientCa.toFile(), RELOAD_CHECK.toSeconds(),
                        TimeUnit.SECONDS, reloader);
            }
            return new ServerTls(keyManager, trustManager, reloader, keyReload, trustReload);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            reloader.shutdownNow();
            throw e;
        }
    }

    public boolean mutual() {
        return trustManager != null;
    }

    /** For the gRPC port: clients must present a certificate when a client CA is configured. */
    public ServerCredentials credentials() {
        TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder().keyManager(keyManager);
        if (trustManager != null) {
            builder.trustManager(trustManager).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
        }
        return builder.build();
    }

    /** For the metrics port: the same (reloading) server certificate. */
    public SSLContext sslContext() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {keyManager}, trustManager == null ? null : new TrustManager[] {trustManager}, null);
        return context;
    }

    @Override
    public void close() {
        try {
            keyReload.close();
            trustReload.close();
        } catch (Exception e) {
            // closing a scheduled re-read cannot fail in a way that matters at shutdown
        }
        reloader.shutdownNow();
    }
}
