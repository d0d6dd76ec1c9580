package dev.commission.core.operation;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.settle;
import static dev.commission.core.EngineFixture.steward;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.steward.TransferSteward;
import dev.commission.core.testing.RedisExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.client.codec.StringCodec;

/**
 * Redis over its memory limit refuses writes that may grow memory but still runs deletions. A
 * script that did both could be cut in half; the scripts are declared with a {@code #!lua} line,
 * so Redis refuses them whole before their first command.
 */
@ExtendWith(RedisExtension.class)
class OutOfMemoryTest {

    @AfterEach
    void lift() throws IOException {
        config("maxmemory", "0");
    }

    @Test
    void aScriptRefusedForMemoryWritesNothing() throws IOException {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.STAY);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000);
        List<Object> before = snapshot();

        config("maxmemory", "1");
        // Under STAY nothing moves, so the transfer's first write is a ZREM, which Redis allows when out of memory.
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> await(engine().transfer(new TransferSteward("c1", "s1", "t1", "r2", "g2"))));
        config("maxmemory", "0");

        assertTrue(e instanceof org.redisson.client.RedisOutOfMemoryException, e.toString());
        assertEquals(before, snapshot());
    }

    private static List<Object> snapshot() {
        return RedisExtension.redisson().getScript(StringCodec.INSTANCE).eval(
                org.redisson.api.RScript.Mode.READ_ONLY,
                "return {redis.call('ZRANGE', 'cms:{c:c1}:rank:group:g1', 0, -1), redis.call('XLEN', 'cms:{c:c1}:ledger'),"
                        + " redis.call('HGETALL', 'cms:{c:c1}:steward:s1'), redis.call('HGETALL', 'cms:{c:c1}:placements')}",
                org.redisson.api.RScript.ReturnType.LIST);
    }

    /** CONFIG SET over a plain connection: Redisson has no call for it and scripts may not run it. */
    private static void config(String name, String value) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RedisExtension.port())) {
            OutputStream out = socket.getOutputStream();
            String[] args = {"CONFIG", "SET", name, value};
            StringBuilder command = new StringBuilder("*" + args.length + "\r\n");
            for (String arg : args) {
                command.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
            }
            out.write(command.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            int first = in.read();
            if (first != '+') {
                throw new IOException("CONFIG SET " + name + " failed");
            }
        }
    }
}
