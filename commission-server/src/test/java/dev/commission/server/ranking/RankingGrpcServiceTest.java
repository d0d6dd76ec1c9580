package dev.commission.server.ranking;

import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.settle;
import static dev.commission.core.EngineFixture.steward;
import static dev.commission.server.testing.Refusals.refused;
import static dev.commission.server.testing.Refusals.violatedFields;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.commission.api.v1.GetRankingRequest;
import dev.commission.api.v1.GetStandingRequest;
import dev.commission.api.v1.RankingEntry;
import dev.commission.api.v1.RankingPage;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.RankingServiceGrpc.RankingServiceBlockingStub;
import dev.commission.api.v1.ScopeStanding;
import dev.commission.api.v1.Standing;
import dev.commission.core.EngineFixture;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.testing.InProcessServer;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** RankingService in process against a real redis-server. Money is put in through the engine. */
@ExtendWith(RedisExtension.class)
class RankingGrpcServiceTest {
    private InProcessServer server;
    private RankingServiceBlockingStub ranking;

    @BeforeEach
    void startServer() {
        server = InProcessServer.start(EngineFixture.engine(), RedisExtension.redisson());
        ranking = server.ranking();
        campaign("c1", CommissionRule.rate(1_000, 0), TransferPolicy.FOLLOW);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void pageListsCompetitionRanksWithNames() {
        steward("c1", "s1", "r1", "g1");
        steward("c1", "s2", "r1", "g1");
        steward("c1", "s3", "r1", "g2");
        settle("c1", "o1", "s1", 10_000);
        settle("c1", "o2", "s2", 20_000);
        settle("c1", "o3", "s3", 10_000);

        RankingPage page = ranking.getRanking(request(RankingScope.Kind.STEWARDS, "").build());

        assertEquals(RankingPage.newBuilder()
                .addEntries(entry(1, "s2", "Name s2", 2_000))
                .addEntries(entry(2, "s1", "Name s1", 1_000))
                .addEntries(entry(2, "s3", "Name s3", 1_000))
                .setTotalMembers(3).build(), page);
    }

    @Test
    void groupsInARegionAreNamedByTheirId() {
        steward("c1", "s1", "r1", "g1");
        steward("c1", "s2", "r1", "g2");
        settle("c1", "o1", "s2", 10_000);

        RankingPage page = ranking.getRanking(request(RankingScope.Kind.GROUPS_IN_REGION, "r1").build());

        assertEquals(List.of(entry(1, "g2", "g2", 1_000), entry(2, "g1", "g1", 0)), page.getEntriesList());
    }

    @Test
    void limitZeroMeansAHundred() {
        for (int i = 0; i < 101; i++) {
            steward("c1", String.format("s%03d", i), "r1", "g1");
        }

        RankingPage page = ranking.getRanking(request(RankingScope.Kind.STEWARDS, "").setLimit(0).build());

        assertEquals(100, page.getEntriesCount());
        assertEquals(101, page.getTotalMembers());
    }

    @Test
    void offsetAndLimitPick() {
        steward("c1", "s1", "r1", "g1");
        steward("c1", "s2", "r1", "g1");
        steward("c1", "s3", "r1", "g1");

        RankingPage page = ranking.getRanking(request(RankingScope.Kind.STEWARDS, "").setOffset(1).setLimit(1).build());

        assertEquals(List.of("s2"), page.getEntriesList().stream().map(RankingEntry::getMemberId).toList());
    }

    @Test
    void missingScopeIsInvalid() {
        StatusRuntimeException e = refused(Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
                () -> ranking.getRanking(GetRankingRequest.newBuilder().setCampaignId("c1").build()));

        assertEquals(List.of("scope"), violatedFields(e));
    }

    @Test
    void unspecifiedKindAndBadLimitAreInvalid() {
        StatusRuntimeException e = refused(Code.INVALID_ARGUMENT, () -> ranking.getRanking(
                request(RankingScope.Kind.KIND_UNSPECIFIED, "").setLimit(5_000).build()));

        assertEquals(List.of("scope.kind", "limit"), violatedFields(e));
    }

    @Test
    void standingCoversTheStewardsThreeScopes() {
        steward("c1", "s1", "r1", "g1");
        steward("c1", "s2", "r1", "g1");
        settle("c1", "o1", "s2", 10_000);

        Standing standing = ranking.getStanding(GetStandingRequest.newBuilder().setCampaignId("c1").setStewardId("s1").build());

        assertEquals("s1", standing.getStewardId());
        assertEquals(List.of(scope(RankingScope.Kind.STEWARDS, ""), scope(RankingScope.Kind.STEWARDS_IN_REGION, "r1"),
                scope(RankingScope.Kind.STEWARDS_IN_GROUP, "g1")),
                standing.getScopesList().stream().map(ScopeStanding::getScope).toList());
        ScopeStanding inCampaign = standing.getScopes(0);
        assertEquals(2, inCampaign.getRank());
        assertEquals(2, inCampaign.getMembers());
        assertEquals(0, inCampaign.getScoreFen());
        assertEquals(1_000, inCampaign.getGapToAboveFen());
        assertEquals(List.of(entry(1, "s2", "Name s2", 1_000)), inCampaign.getAboveList());
        assertEquals(List.of(), inCampaign.getBelowList());
    }

    @Test
    void standingOfAnUnknownStewardIsNotFound() {
        refused(Code.NOT_FOUND, "STEWARD_NOT_FOUND", () -> ranking.getStanding(
                GetStandingRequest.newBuilder().setCampaignId("c1").setStewardId("s9").build()));
    }

    private static GetRankingRequest.Builder request(RankingScope.Kind kind, String id) {
        return GetRankingRequest.newBuilder().setCampaignId("c1").setScope(scope(kind, id));
    }

    private static RankingScope scope(RankingScope.Kind kind, String id) {
        return RankingScope.newBuilder().setKind(kind).setId(id).build();
    }

    private static RankingEntry entry(long rank, String member, String name, long score) {
        return RankingEntry.newBuilder().setRank(rank).setMemberId(member).setDisplayName(name).setScoreFen(score).build();
    }
}
