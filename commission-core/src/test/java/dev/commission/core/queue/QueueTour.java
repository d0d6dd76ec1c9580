package dev.commission.core.queue;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.lines;

import dev.commission.core.EngineTour.Step;
import dev.commission.core.order.SettleCommission;
import java.util.ArrayList;
import java.util.List;

/**
 * The settlement queue's part of {@link dev.commission.core.EngineTour}: every queue script, run
 * by hand in the order a worker would (deliver, settle, acknowledge; fail, retry, take over, park;
 * replay, park again, discard; forget idle consumers), so contract tests see each call.
 */
public final class QueueTour {
    private QueueTour() {
    }

    public static List<Step> steps(String c) {
        SettlementQueue queue = engine().settlements();
        List<QueueEntry> held = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        SettleCommission q1 = new SettleCommission(c, "q1", "s1", lines(1_000));
        SettleCommission q2 = new SettleCommission(c, "q2", "ghost", lines(1_000));
        steps.add(step("queue: submit q1 " + c, () -> await(queue.submit(q1))));
        steps.add(step("queue: submit q1 again " + c, () -> await(queue.submit(q1))));
        steps.add(step("queue: submit q2 " + c, () -> await(queue.submit(q2))));
        steps.add(step("queue: deliver " + c, () -> {
            held.clear();
            for (int p = 0; p < QueueKeys.PARTITIONS; p++) {
                held.addAll(await(queue.read(p, "tour-a", 10)));
            }
        }));
        steps.add(step("queue: settle and acknowledge q1 " + c, () -> {
            QueueEntry entry = entry(held, "q1");
            await(queue.settled(entry.partition(), List.of(
                    new SettlementQueue.Settled(entry, await(engine().settle(entry.request())).commissionFen()))));
        }));
        steps.add(step("queue: a delivery of q2 fails " + c, () -> await(queue.retry(entry(held, "q2"),
                new QueueError("UNAVAILABLE", "REDIS_UNAVAILABLE", "tour")))));
        steps.add(step("queue: take q2 over " + c, () -> {
            held.clear();
            for (int p = 0; p < QueueKeys.PARTITIONS; p++) {
                held.addAll(await(queue.claim(p, "tour-b", 0, 0, 100, "-")).entries());
            }
        }));
        steps.add(step("queue: park q2 " + c, () -> await(queue.dead(entry(held, "q2"), 2,
                new QueueError("NOT_FOUND", "STEWARD_NOT_FOUND", "tour")))));
        steps.add(step("queue: list and replay q2 " + c, () -> {
            DeadLetter letter = await(queue.deadLetters(c, "", 10)).deadLetters().get(0);
            await(queue.replay(letter.id()));
        }));
        steps.add(step("queue: park q2 again and discard it " + c, () -> {
            held.clear();
            for (int p = 0; p < QueueKeys.PARTITIONS; p++) {
                held.addAll(await(queue.read(p, "tour-a", 10)));
            }
            await(queue.dead(entry(held, "q2"), 1, new QueueError("NOT_FOUND", "STEWARD_NOT_FOUND", "tour")));
            await(queue.discard(await(queue.get(c, "q2")).deadLetterId(), "tour"));
        }));
        steps.add(step("queue: where q1 stands " + c, () -> await(queue.get(c, "q1"))));
        steps.add(step("queue: stats " + c, () -> await(queue.stats())));
        steps.add(step("queue: forget consumers that hold nothing " + c, () -> {
            for (int p = 0; p < QueueKeys.PARTITIONS; p++) {
                await(queue.prune(p, 0));
            }
        }));
        return steps;
    }

    private static QueueEntry entry(List<QueueEntry> entries, String orderNo) {
        return entries.stream().filter(e -> e.request().orderNo().equals(orderNo)).findFirst()
                .orElseThrow(() -> new AssertionError("no entry of " + orderNo + " in " + entries));
    }

    private static Step step(String name, Runnable action) {
        return new Step(name, action, true);
    }
}
