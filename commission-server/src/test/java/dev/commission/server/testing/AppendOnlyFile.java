package dev.commission.server.testing;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisMaster;
import org.redisson.api.redisnode.RedisNode.InfoSection;
import org.redisson.api.redisnode.RedisNodes;

/**
 * Makes what a redis-server holds durable in its append-only file, so a test can kill the process
 * and expect its data back: with {@code appendfsync everysec} an acknowledged write may still sit
 * in Redis's buffer for a moment, so the test asks for a rewrite (a fresh base file, fsynced)
 * and waits until it is done.
 */
public final class AppendOnlyFile {
    private AppendOnlyFile() {
    }

    /** BGREWRITEAOF on the one server {@code redisson} talks to, then waits until that rewrite has completed. */
    public static void persist(RedissonClient redisson) throws InterruptedException {
        RedisMaster redis = redisson.getRedisNodes(RedisNodes.SINGLE).getInstance();
        long before = Long.parseLong(redis.info(InfoSection.PERSISTENCE).get("aof_rewrites"));
        redis.bgRewriteAOF();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Map<String, String> info = redis.info(InfoSection.PERSISTENCE);
            if (Long.parseLong(info.get("aof_rewrites")) > before && info.get("aof_rewrite_in_progress").equals("0")
                    && info.get("aof_rewrite_scheduled").equals("0")) {
                if (!info.get("aof_last_bgrewrite_status").equals("ok")) {
                    throw new AssertionError("append-only rewrite failed: " + info);
                }
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("append-only rewrite did not finish within 60 s");
    }
}
