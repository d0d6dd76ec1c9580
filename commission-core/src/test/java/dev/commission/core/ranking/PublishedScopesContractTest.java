package dev.commission.core.ranking;

import static dev.commission.core.EngineFixture.engine;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.commission.core.CampaignKeys;
import dev.commission.core.EngineTour;
import dev.commission.core.EngineTour.Step;
import dev.commission.core.Validator;
import dev.commission.core.testing.CampaignSnapshot;
import dev.commission.core.testing.EventRecorder;
import dev.commission.core.testing.EventRecorder.Event;
import dev.commission.core.testing.RedisExtension;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the scripts publish on the events channel, as a subscriber receives it, against the Java
 * side that reads it ({@link RankingScope#fromToken}): every token parses into a valid scope,
 * and every ranking a step changed is among the scopes it announced, so a dashboard watching
 * that ranking is told.
 */
@ExtendWith(RedisExtension.class)
class PublishedScopesContractTest {

    @Test
    void everyPublishedTokenParsesAndEveryChangedRankingIsAnnounced() {
        engine();
        List<String> problems = new ArrayList<>();
        Set<RankingScope.Kind> kindsSeen = EnumSet.noneOf(RankingScope.Kind.class);
        try (EventRecorder events = new EventRecorder(RedisExtension.port())) {
            for (Step step : EngineTour.steps()) {
                if (!step.throughEngine()) {
                    step.action().run();
                    events.drain();
                    continue;
                }
                Map<String, CampaignSnapshot> before = snapshots();
                step.action().run();
                List<Event> published = events.drain();
                Map<String, CampaignSnapshot> after = snapshots();

                Map<String, Set<String>> announcedKeys = new HashMap<>();
                for (Event event : published) {
                    String campaign = CampaignKeys.campaignOfEventsChannel(event.channel());
                    if (!EngineTour.CAMPAIGNS.contains(campaign)) {
                        problems.add(step.name() + ": published on " + event.channel());
                        continue;
                    }
                    for (String token : event.message().split(" ", -1)) {
                        RankingScope scope = parse(token);
                        if (scope == null) {
                            problems.add(step.name() + ": token '" + token + "' in '" + event.message() + "' does not parse");
                            continue;
                        }
                        kindsSeen.add(scope.kind());
                        announcedKeys.computeIfAbsent(campaign, c -> new HashSet<>()).add(scope.key(new CampaignKeys(campaign)));
                    }
                }
                for (String campaign : EngineTour.CAMPAIGNS) {
                    for (String difference : before.get(campaign).differences(after.get(campaign))) {
                        String key = difference.substring(difference.indexOf(' ') + 1);
                        boolean ranking = key.startsWith(new CampaignKeys(campaign).prefix() + "rank:");
                        if (ranking && !announcedKeys.getOrDefault(campaign, Set.of()).contains(key)) {
                            problems.add(step.name() + ": " + difference + " without announcing it");
                        }
                    }
                }
            }
        }

        assertEquals(List.of(), problems);
        assertEquals(EnumSet.allOf(RankingScope.Kind.class), kindsSeen, "the tour publishes every kind of scope");
    }

    /** The scope a token names, or null when the Java side cannot read it as one. */
    private static RankingScope parse(String token) {
        try {
            RankingScope scope = RankingScope.fromToken(token);
            Validator v = new Validator();
            scope.validate(v);
            return !v.hasViolations() && scope.token().equals(token) ? scope : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Map<String, CampaignSnapshot> snapshots() {
        Map<String, CampaignSnapshot> snapshots = new HashMap<>();
        for (String campaign : EngineTour.CAMPAIGNS) {
            snapshots.put(campaign, CampaignSnapshot.of(RedisExtension.redisson(), campaign));
        }
        return snapshots;
    }
}
