package dev.commission.server.watch;

import dev.commission.server.status.StatusMapper;
import io.grpc.StatusRuntimeException;

/** The statuses a watch stream ends with other than a clean end; refusals go through {@link StatusMapper}. */
final class WatchStatus {
    static final String OPERATION = "WatchRanking";

    private WatchStatus() {
    }

    static StatusRuntimeException refused(Throwable refusal) {
        return StatusMapper.toStatusException(refusal, OPERATION);
    }

    static StatusRuntimeException shuttingDown() {
        return io.grpc.Status.UNAVAILABLE.withDescription("the server is shutting down; watch again elsewhere")
                .asRuntimeException();
    }
}
