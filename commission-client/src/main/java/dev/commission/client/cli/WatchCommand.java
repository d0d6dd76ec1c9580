package dev.commission.client.cli;

import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.RankingSnapshot;
import dev.commission.api.v1.WatchRankingRequest;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "watch", description = {"The live top-N of one ranking (WatchRanking), until Ctrl-C.",
    "SCOPE: STEWARDS, GROUPS, REGIONS, STEWARDS_IN_REGION:r, STEWARDS_IN_GROUP:g, GROUPS_IN_REGION:r (any case)."})
final class WatchCommand implements Callable<Integer> {
    @ParentCommand
    CommissionCli cli;
    @Parameters(index = "0", paramLabel = "CAMPAIGN")
    String campaign;
    @Parameters(index = "1", paramLabel = "SCOPE", converter = Arguments.Scope.class)
    RankingScope scope;
    @Parameters(index = "2", arity = "0..1", paramLabel = "TOP_N", defaultValue = "10")
    int topN;

    @Override
    public Integer call() throws Exception {
        Iterator<RankingSnapshot> snapshots = RankingServiceGrpc.newBlockingStub(cli.channel()).watchRanking(
                WatchRankingRequest.newBuilder().setCampaignId(campaign).setScope(scope).setTopN(topN).build());
        while (snapshots.hasNext()) {
            cli.output().reply(snapshots.next());
        }
        return ExitCodes.OK;
    }
}
