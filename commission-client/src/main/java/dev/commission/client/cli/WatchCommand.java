package dev.commission.client.cli;

import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.RankingSnapshot;
import dev.commission.api.v1.WatchRankingRequest;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * A live table of one ranking, redrawn in place with ANSI escapes on every snapshot of
 * WatchRanking. When the stream breaks the table says so and the watch reconnects by itself,
 * after 0.5 s, doubling up to 5 s; movement stays measured against the first snapshot.
 */
@Command(name = "watch", description = {
    "A live table of one ranking (WatchRanking), redrawn in place until Ctrl-C.",
    "Each member's movement since the start (▲2, ▼1, new), its score and the gap to the place above in yuan;",
    "says when the figures are stale and reconnects by itself. With --json: one snapshot a line instead.",
    "SCOPE: STEWARDS, GROUPS, REGIONS, STEWARDS_IN_REGION:r, STEWARDS_IN_GROUP:g, GROUPS_IN_REGION:r (any case)."})
final class WatchCommand implements Callable<Integer> {
    private static final long FIRST_RETRY_MILLIS = 500;
    private static final long LAST_RETRY_MILLIS = 5_000;

    @ParentCommand
    CommissionCli cli;
    @Parameters(index = "0", paramLabel = "CAMPAIGN")
    String campaign;
    @Parameters(index = "1", paramLabel = "SCOPE", converter = Arguments.Scope.class)
    RankingScope scope;
    @Parameters(index = "2", arity = "0..1", paramLabel = "TOP_N", defaultValue = "10")
    int topN;
    @Option(names = "--snapshots", paramLabel = "N", description = "Stop after N snapshots (default: never).")
    long snapshots;

    @Override
    public Integer call() throws Exception {
        WatchRankingRequest request = WatchRankingRequest.newBuilder().setCampaignId(campaign).setScope(scope).setTopN(topN).build();
        RankingTable table = new RankingTable(campaign, scope, topN);
        Screen screen = new Screen(cli.output().out());
        long seen = 0;
        long retryMillis = FIRST_RETRY_MILLIS;
        while (true) {
            try {
                Iterator<RankingSnapshot> stream = RankingServiceGrpc.newBlockingStub(cli.channel()).watchRanking(request);
                while (stream.hasNext()) {
                    RankingSnapshot snapshot = stream.next();
                    retryMillis = FIRST_RETRY_MILLIS;
                    if (cli.output().json()) {
                        cli.output().reply(snapshot);
                    } else {
                        table.show(snapshot);
                        screen.draw(table.render());
                    }
                    if (++seen == snapshots) {
                        return ExitCodes.OK;
                    }
                }
                table.reconnecting("the server ended the stream: reconnecting in " + seconds(retryMillis));
            } catch (StatusRuntimeException e) {
                int exit = ExitCodes.of(e.getStatus().getCode());
                if (exit != ExitCodes.UNAVAILABLE && exit != ExitCodes.OTHER) {
                    throw e;
                }
                table.reconnecting(e.getStatus().getCode() + ": reconnecting in " + seconds(retryMillis));
                if (cli.output().json()) {
                    cli.output().refused(e);
                }
            }
            if (!cli.output().json()) {
                screen.draw(table.render());
            }
            Thread.sleep(retryMillis);
            retryMillis = Math.min(retryMillis * 2, LAST_RETRY_MILLIS);
        }
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis / 1000.0 + " s";
    }

    /** Redraws a block of lines in place: back up over the last frame, overwrite, clear what is left. */
    static final class Screen {
        private final PrintWriter out;
        private int drawn;

        Screen(PrintWriter out) {
            this.out = out;
        }

        void draw(List<String> lines) {
            StringBuilder frame = new StringBuilder();
            if (drawn > 0) {
                frame.append("\r\033[").append(drawn).append('A');
            }
            for (String line : lines) {
                frame.append(line).append("\033[K\n");
            }
            frame.append("\033[J");
            out.print(frame);
            out.flush();
            drawn = lines.size();
        }
    }
}
