package dev.commission.core.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.commission.core.testing.RedisExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.api.RScript;

@ExtendWith(RedisExtension.class)
class ScriptCodecTest {

    @Test
    void anArgumentIsItsUtf8Bytes() throws Exception {
        ByteBuf name = ScriptCodec.INSTANCE.getValueEncoder().encode("张三 é");
        ByteBuf number = ScriptCodec.INSTANCE.getValueEncoder().encode(-12_345L);

        assertEquals(List.of(0xE5, 0xBC, 0xA0, 0xE4, 0xB8, 0x89, 0x20, 0xC3, 0xA9), unsigned(ByteBufUtil.getBytes(name)));
        assertEquals("-12345", number.toString(StandardCharsets.UTF_8));
        name.release();
        number.release();
    }

    @Test
    void redisGetsTheBytesAndTheReplyDecodesToTheSameText() {
        RScript script = RedisExtension.redisson().getScript(RedisCallPolicy.DEFAULT.writes());

        List<Object> reply = script.eval(RScript.Mode.READ_ONLY, "return {ARGV[1], tostring(#ARGV[1]), ARGV[2]}",
                RScript.ReturnType.LIST, List.of(), "张三 é", 42);

        // 张 and 三 are 3 bytes each in UTF-8, é is 2: 9 bytes with the space.
        assertEquals(List.of("张三 é", "9", "42"), reply);
    }

    private static List<Integer> unsigned(byte[] bytes) {
        List<Integer> out = new java.util.ArrayList<>();
        for (byte b : bytes) {
            out.add(b & 0xFF);
        }
        return out;
    }
}
