package dev.commission.core.operation;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.Encoder;

/**
 * The codec of script calls: replies decode as UTF-8 strings, as with {@link StringCodec}; each
 * argument is sent as its UTF-8 bytes in a heap buffer that wraps them. {@link StringCodec} takes
 * a buffer from Netty's pool for every argument and gives it back once written; a queue batch
 * of 100 has 900 arguments, and taking and giving back those buffers was a fifth of the JVM's
 * time in the queue benchmark's batch rounds (docs/design.md, "Redis client and outcomes").
 */
public final class ScriptCodec extends StringCodec {
    public static final ScriptCodec INSTANCE = new ScriptCodec();

    private static final Encoder ENCODER =
            argument -> Unpooled.wrappedBuffer(argument.toString().getBytes(StandardCharsets.UTF_8));

    private ScriptCodec() {
    }

    @Override
    public Encoder getValueEncoder() {
        return ENCODER;
    }
}
