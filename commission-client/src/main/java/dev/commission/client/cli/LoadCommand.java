package dev.commission.client.cli;

import com.google.gson.JsonObject;
import dev.commission.api.v1.Outcome;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.SettlementError;
import dev.commission.api.v1.SubmitSettlementResult;
import dev.commission.api.v1.SubmitSettlementsRequest;
import dev.commission.client.CommissionClient;
import dev.commission.client.CommissionErrors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Replays a file of orders, each settled once however often the file is loaded: every order is
 * idempotent on its campaign and order number. Calls that fail for a passing reason (UNAVAILABLE,
 * DEADLINE_EXCEEDED, ABORTED) are sent again, the same request, up to 5 times.
 */
@Command(name = "load", description = {
    "Replays the orders of a .csv or .jsonl file; safe to run again.",
    "A progress bar on stderr and a summary at the end: applied, duplicate, refused by reason (formats in the",
    "README). Each order is idempotent on its campaign and order number: a second run answers duplicate.",
    "Exits 0 when nothing was refused, 4 when some orders were refused, 5 when some failed only because",
    "the server stayed unavailable."})
final class LoadCommand implements Callable<Integer> {
    private static final int ATTEMPTS = 5;

    enum Via { SETTLE, QUEUE }

    @ParentCommand
    CommissionCli cli;
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "FILE")
    Path file;
    @Option(names = "--campaign", paramLabel = "ID", description = "The campaign of the orders that name none.")
    String campaign;
    @Option(names = "--via", paramLabel = "settle|queue", defaultValue = "settle", description = {
        "settle (default): SettleCommission, one call per order; each answer is final, so the summary is exact",
        "when the command ends. queue: SubmitSettlements in batches of --batch; the fastest hand-over, but an",
        "order the rules refuse is parked as a dead letter later rather than counted here."})
    Via via;
    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8", description = "Calls in flight, 1..64 (default: ${DEFAULT-VALUE}).")
    int concurrency;
    @Option(names = "--batch", paramLabel = "N", defaultValue = "500", description = "Orders per SubmitSettlements call with --via queue, 1..500 (default: ${DEFAULT-VALUE}).")
    int batch;

    /** What the server said about one order: an outcome word, or a refusal. */
    private record Answer(String outcome, Status.Code code, String reason, String message) {
        static Answer of(String outcome) {
            return new Answer(outcome, Status.Code.OK, "", "");
        }

        static Answer refused(StatusRuntimeException e) {
            return new Answer(null, e.getStatus().getCode(), CommissionErrors.reason(e).orElse(e.getStatus().getCode().name()),
                    String.valueOf(e.getStatus().getDescription()));
        }
    }

    @Override
    public Integer call() throws Exception {
        if (concurrency < 1 || concurrency > 64 || batch < 1 || batch > 500) {
            throw new ParameterException(spec.commandLine(), "--concurrency is 1..64 and --batch 1..500");
        }
        long total = OrderFile.count(file, campaign);
        long start = System.nanoTime();
        CommissionClient client = cli.client();
        Summary summary = new Summary();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try (OrderFile orders = OrderFile.open(file, campaign);
             ProgressBar bar = cli.output().json() ? null : new ProgressBar(cli.output().err(), total)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                workers.add(pool.submit(() -> {
                    for (List<SettleCommissionRequest> chunk = take(orders); !chunk.isEmpty(); chunk = take(orders)) {
                        deliver(client, chunk, summary, bar);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            summary.seconds = (System.nanoTime() - start) / 1e9;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        summary.print(cli.output(), file, total, via);
        return summary.exitCode();
    }

    private List<SettleCommissionRequest> take(OrderFile orders) throws java.io.IOException {
        List<SettleCommissionRequest> chunk = new ArrayList<>();
        synchronized (orders) {
            for (SettleCommissionRequest next; chunk.size() < (via == Via.QUEUE ? batch : 1) && (next = orders.next()) != null; ) {
                chunk.add(next);
            }
        }
        return chunk;
    }

    /** Sends the orders, again for those that failed for a passing reason, and counts every answer. */
    private void deliver(CommissionClient client, List<SettleCommissionRequest> orders, Summary summary, ProgressBar bar)
            throws InterruptedException {
        for (int attempt = 1; !orders.isEmpty(); attempt++) {
            List<Answer> answers = via == Via.QUEUE ? submit(client, orders) : settle(client, orders);
            List<SettleCommissionRequest> again = new ArrayList<>();
            for (int i = 0; i < orders.size(); i++) {
                Answer answer = answers.get(i);
                if (answer.outcome() == null && ExitCodes.retryable(answer.code()) && attempt < ATTEMPTS) {
                    again.add(orders.get(i));
                    continue;
                }
                summary.count(orders.get(i), answer);
                if (bar != null) {
                    bar.advance();
                }
            }
            if (!again.isEmpty()) {
                Thread.sleep(200L << attempt);
            }
            orders = again;
        }
    }

    private static List<Answer> settle(CommissionClient client, List<SettleCommissionRequest> orders) {
        List<Answer> answers = new ArrayList<>();
        for (SettleCommissionRequest order : orders) {
            try {
                Outcome outcome = client.commission().settleCommission(order).getOutcome();
                answers.add(Answer.of(outcome == Outcome.DUPLICATE ? "duplicate" : "applied"));
            } catch (StatusRuntimeException e) {
                answers.add(refusedOrStop(e));
            }
        }
        return answers;
    }

    private static List<Answer> submit(CommissionClient client, List<SettleCommissionRequest> orders) {
        List<SubmitSettlementResult> results;
        try {
            results = client.settlement().withDeadlineAfter(30, TimeUnit.SECONDS)
                    .submitSettlements(SubmitSettlementsRequest.newBuilder().addAllRequests(orders).build()).getResultsList();
        } catch (StatusRuntimeException e) {
            return Collections.nCopies(orders.size(), refusedOrStop(e));
        }
        List<Answer> answers = new ArrayList<>();
        for (SubmitSettlementResult result : results) {
            if (result.hasAccepted()) {
                answers.add(Answer.of(result.getAccepted().getState().name().toLowerCase(Locale.ROOT)));
            } else {
                SettlementError error = result.getError();
                answers.add(new Answer(null, code(error.getCode()), error.getReason().isEmpty() ? error.getCode() : error.getReason(),
                        error.getMessage()));
            }
        }
        return answers;
    }

    /** A caller the server does not let in gets the same answer for every order: stop at the first. */
    private static Answer refusedOrStop(StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED || code == Status.Code.UNIMPLEMENTED) {
            throw e;
        }
        return Answer.refused(e);
    }

    private static Status.Code code(String name) {
        try {
            return Status.Code.valueOf(name);
        } catch (IllegalArgumentException e) {
            return Status.Code.UNKNOWN;
        }
    }

    /** The counts by outcome, and the refusals by reason with the first order refused for each. */
    private static final class Summary {
        private final Map<String, Long> outcomes = new LinkedHashMap<>();
        private final Map<String, Long> refusals = new TreeMap<>();
        private final Map<String, String> firstRefused = new TreeMap<>();
        private boolean refusedForGood;
        private double seconds;

        synchronized void count(SettleCommissionRequest order, Answer answer) {
            if (answer.outcome() != null) {
                outcomes.merge(answer.outcome(), 1L, Long::sum);
                return;
            }
            refusals.merge(answer.reason(), 1L, Long::sum);
            firstRefused.putIfAbsent(answer.reason(), order.getOrderNo() + ": " + answer.message());
            refusedForGood |= !ExitCodes.retryable(answer.code());
        }

        int exitCode() {
            return refusals.isEmpty() ? ExitCodes.OK : refusedForGood ? ExitCodes.REFUSED : ExitCodes.UNAVAILABLE;
        }

        void print(Output output, Path file, long total, Via via) {
            long refused = refusals.values().stream().mapToLong(Long::longValue).sum();
            List<String> words = via == Via.QUEUE ? List.of("queued", "settled", "dead") : List.of("applied", "duplicate");
            if (output.json()) {
                JsonObject json = new JsonObject();
                json.addProperty("file", file.toString());
                json.addProperty("via", via.name().toLowerCase(Locale.ROOT));
                json.addProperty("orders", total);
                json.addProperty("seconds", Math.round(seconds * 10) / 10.0);
                words.forEach(word -> json.addProperty(word, outcomes.getOrDefault(word, 0L)));
                json.addProperty("refused", refused);
                JsonObject byReason = new JsonObject();
                refusals.forEach(byReason::addProperty);
                json.add("refusedByReason", byReason);
                output.reply(json);
                return;
            }
            PrintWriter out = output.out();
            out.printf(Locale.ROOT, "%s: %,d orders in %.1f s (%,.0f/s) through %s%n", file.getFileName(), total, seconds,
                    total / Math.max(seconds, 1e-3), via == Via.QUEUE ? "SubmitSettlements" : "SettleCommission");
            words.forEach(word -> out.printf(Locale.ROOT, "  %-10s %,9d%n", word, outcomes.getOrDefault(word, 0L)));
            out.printf(Locale.ROOT, "  %-10s %,9d%n", "refused", refused);
            refusals.forEach((reason, n) -> out.printf(Locale.ROOT, "    %-22s %,9d  first: %s%n", reason, n, firstRefused.get(reason)));
            out.flush();
        }
    }
}
