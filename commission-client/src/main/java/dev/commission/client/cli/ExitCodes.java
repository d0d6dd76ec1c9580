package dev.commission.client.cli;

import io.grpc.Status;

/** The tool's exit codes, one per class of error, so that a script can tell what to do next. */
final class ExitCodes {
    static final int OK = 0;
    static final int OTHER = 1;
    static final int USAGE = 2;
    static final int NOT_FOUND = 3;
    static final int REFUSED = 4;
    static final int UNAVAILABLE = 5;

    private ExitCodes() {
    }

    static int of(Status.Code code) {
        return switch (code) {
            case OK -> OK;
            case INVALID_ARGUMENT -> USAGE;
            case NOT_FOUND -> NOT_FOUND;
            case ALREADY_EXISTS, FAILED_PRECONDITION, PERMISSION_DENIED, UNAUTHENTICATED -> REFUSED;
            case UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED -> UNAVAILABLE;
            default -> OTHER;
        };
    }

    /** Worth sending again as it was: the server may answer otherwise in a moment. */
    static boolean retryable(Status.Code code) {
        return of(code) == UNAVAILABLE;
    }
}
