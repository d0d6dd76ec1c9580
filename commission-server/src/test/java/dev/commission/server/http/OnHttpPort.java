package dev.commission.server.http;

import dev.commission.core.testing.RedisExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Tests of the HTTP port: a fresh {@link HttpFixture} (whole instance, campaign c1, steward s1) per test. */
@ExtendWith(RedisExtension.class)
abstract class OnHttpPort {
    @TempDir
    Path dir;
    HttpFixture fixture;

    @BeforeEach
    void startInstance() throws Exception {
        fixture = HttpFixture.start(dir);
    }

    @AfterEach
    void stopInstance() {
        fixture.close();
    }
}
