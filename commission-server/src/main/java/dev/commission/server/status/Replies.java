package dev.commission.server.status;

import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Completes a unary call from an engine stage: the gRPC thread only starts the work, the reply is
 * sent from whichever thread completes the stage. Every failure, including one thrown while
 * mapping the request or the result, goes through {@link StatusMapper}.
 */
public final class Replies {
    private static final Logger log = LoggerFactory.getLogger(Replies.class);

    private Replies() {
    }

    /**
     * @param operation the RPC name, for the log
     * @param call      maps the request and calls the engine
     * @param toProto   maps the domain result to the reply message
     */
    public static <T, R> void unary(String operation, Supplier<? extends CompletionStage<T>> call,
                                    Function<? super T, ? extends R> toProto, StreamObserver<R> observer) {
        CompletionStage<T> stage;
        try {
            stage = call.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        stage.whenComplete((result, failure) -> withMdc(mdc, () -> {
            if (failure != null) {
                fail(operation, failure, observer);
                return;
            }
            R reply;
            try {
                reply = toProto.apply(result);
            } catch (RuntimeException e) {
                fail(operation, e, observer);
                return;
            }
            try {
                observer.onNext(reply);
                observer.onCompleted();
            } catch (RuntimeException e) {
                // The caller went away (cancelled or deadline passed); the operation itself stands.
                log.debug("{}: reply not delivered: {}", operation, e.toString());
            }
        }));
    }

    /** Runs the completion with the call's MDC (its request id), whichever thread completes it. */
    private static void withMdc(Map<String, String> mdc, Runnable completion) {
        Map<String, String> outer = MDC.getCopyOfContextMap();
        if (mdc != null) {
            MDC.setContextMap(mdc);
        }
        try {
            completion.run();
        } finally {
            if (outer == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(outer);
            }
        }
    }

    /** Ends a call with the status {@link StatusMapper} chooses for {@code failure}. */
    public static void fail(String operation, Throwable failure, StreamObserver<?> observer) {
        try {
            observer.onError(StatusMapper.toStatusException(failure, operation));
        } catch (RuntimeException e) {
            log.debug("{}: error not delivered: {}", operation, e.toString());
        }
    }
}
