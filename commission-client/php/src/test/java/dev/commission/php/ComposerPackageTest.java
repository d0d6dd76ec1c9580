package dev.commission.php;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** composer.json asks for what the generated code needs and autoloads from where the build writes it. */
class ComposerPackageTest {

    @Test
    void composerJsonRequiresTheRuntimesAndAutoloadsWhatTheBuildWrote() throws Exception {
        Struct.Builder composer = Struct.newBuilder();
        JsonFormat.parser().merge(Files.readString(Php.MODULE.resolve("composer.json")), composer);
        Map<String, Value> require = composer.getFieldsOrThrow("require").getStructValue().getFieldsMap();

        assertEquals("*", require.get("ext-grpc").getStringValue());
        assertTrue(require.containsKey("grpc/grpc"), "grpc/grpc");
        assertEquals("^" + System.getProperty("protobuf.version"), require.get("google/protobuf").getStringValue(),
                "the PHP runtime no older than the protoc that wrote the messages");

        Map<String, Value> psr4 = composer.getFieldsOrThrow("autoload").getStructValue()
                .getFieldsOrThrow("psr-4").getStructValue().getFieldsMap();
        for (Map.Entry<String, Value> prefix : psr4.entrySet()) {
            List<Value> folders = prefix.getValue().hasListValue() ? prefix.getValue().getListValue().getValuesList()
                    : List.of(prefix.getValue());
            for (Value folder : folders) {
                Path path = Php.MODULE.resolve(folder.getStringValue());
                assertTrue(Files.isDirectory(path), prefix.getKey() + " autoloads from " + path + ", which is missing");
            }
        }
        assertTrue(Files.isRegularFile(Php.MODULE.resolve(psr4.get("Commission\\V1\\").getListValue().getValues(0)
                .getStringValue()).resolve("CommissionServiceClient.php")));
        assertTrue(Files.isRegularFile(Php.MODULE.resolve(psr4.get("GPBMetadata\\Commission\\V1\\").getStringValue())
                .resolve("Commission.php")));
    }
}
