package dev.commission.php;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the HTTP/JSON clients: per service a {@code Http\<Service>Client} with the same class
 * and method names as the gRPC stub, one method per unary RPC (the HTTP/JSON endpoint serves
 * unary calls only), taking and returning arrays in the proto3 JSON form; and one
 * {@code Http\Schema} that tells the hand-written {@code BaseClient} each message's fields, so a
 * reply comes back with every field present and int64 as PHP int.
 */
final class HttpClientWriter {
    static final String SUB_NAMESPACE = "Http";

    private HttpClientWriter() {
    }

    static String write(ServiceDescriptor service) {
        String namespace = PhpNames.namespace(service.getFile()) + "\\" + SUB_NAMESPACE;
        StringBuilder out = new StringBuilder();
        out.append("<?php\n// GENERATED CODE -- DO NOT EDIT!\n\n");
        out.append("namespace ").append(namespace).append(";\n\n");
        out.append("/**\n").append(PhpNames.comments(service, " *")).append("""
                 *
                 * Over HTTP/JSON, with ext-curl and ext-json only: the same class and method names as
                 * the gRPC stub; each method takes the request as an array in its proto3 JSON form
                 * (lowerCamel field names) and returns the reply as an array with every field present
                 * (int64 as int, enums by name). Any failure is a CommissionException.
                """);
        String streams = service.getMethods().stream().filter(HttpClientWriter::streaming)
                .map(MethodDescriptor::getName).reduce((a, b) -> a + ", " + b).orElse("");
        if (!streams.isEmpty()) {
            out.append(" * Streaming RPCs are not served over HTTP/JSON; use the gRPC stub for ")
                    .append(streams).append(".\n");
        }
        out.append(" */\nclass ").append(GrpcStubWriter.className(service)).append(" extends BaseClient {\n\n");
        for (MethodDescriptor method : service.getMethods()) {
            if (streaming(method)) {
                continue;
            }
            out.append("    /**\n").append(PhpNames.comments(method, " *").indent(4))
                    .append("     * @param array $argument \\").append(PhpNames.messageClass(method.getInputType()))
                    .append(" as proto3 JSON\n")
                    .append("     * @param array $metadata request headers, name => value\n")
                    .append("     * @param array $options call options: 'timeout' in seconds\n")
                    .append("     * @return array \\").append(PhpNames.messageClass(method.getOutputType()))
                    .append(" as proto3 JSON\n")
                    .append("     * @throws CommissionException\n     */\n")
                    .append("    public function ").append(method.getName())
                    .append("(array $argument, array $metadata = [], array $options = []): array {\n")
                    .append("        return $this->_simpleRequest('/").append(method.getService().getFullName())
                    .append('/').append(method.getName()).append("',\n")
                    .append("        $argument,\n")
                    .append("        '").append(method.getInputType().getFullName()).append("', '")
                    .append(method.getOutputType().getFullName()).append("',\n")
                    .append("        $metadata, $options);\n")
                    .append("    }\n\n");
        }
        out.append("}\n");
        return out.toString();
    }

    /**
     * The fields of every message a unary call's request or reply can hold: BaseClient completes a
     * reply from them and writes a request's empty messages and maps as JSON objects.
     */
    static String writeSchema(String namespace, Collection<ServiceDescriptor> services) {
        Map<String, Descriptor> messages = new LinkedHashMap<>();
        Deque<Descriptor> pending = new ArrayDeque<>();
        services.forEach(service -> service.getMethods().stream().filter(method -> !streaming(method))
                .forEach(method -> {
                    pending.add(method.getInputType());
                    pending.add(method.getOutputType());
                }));
        while (!pending.isEmpty()) {
            Descriptor message = pending.poll();
            if (wellKnown(message) || messages.putIfAbsent(message.getFullName(), message) != null) {
                continue;
            }
            for (FieldDescriptor field : message.getFields()) {
                FieldDescriptor value = field.isMapField() ? field.getMessageType().findFieldByName("value") : field;
                if (value.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                    pending.add(value.getMessageType());
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("<?php\n// GENERATED CODE -- DO NOT EDIT!\n\n");
        out.append("namespace ").append(namespace).append("\\").append(SUB_NAMESPACE).append(";\n\n");
        out.append("""
                /**
                 * The fields of each request and reply message, by proto3 JSON name: string, bytes, bool, int32,
                 * int64, double, enum:<name of the zero value>, message:<full name>, json (a well-known
                 * type kept as its JSON); [] before a type for a repeated field, {} for a map's values,
                 * ? for a field of a oneof or an optional one (left absent when absent).
                 */
                final class Schema {

                    const MESSAGES = [
                """);
        for (Descriptor message : messages.values()) {
            out.append("        '").append(message.getFullName()).append("' => [\n");
            for (FieldDescriptor field : message.getFields()) {
                out.append("            '").append(field.getJsonName()).append("' => '").append(type(field)).append("',\n");
            }
            out.append("        ],\n");
        }
        out.append("    ];\n}\n");
        return out.toString();
    }

    private static String type(FieldDescriptor field) {
        if (field.isMapField()) {
            return "{}" + scalar(field.getMessageType().findFieldByName("value"));
        }
        String prefix = field.isRepeated() ? "[]" : field.getContainingOneof() != null ? "?" : "";
        return prefix + scalar(field);
    }

    private static String scalar(FieldDescriptor field) {
        return switch (field.getType()) {
            case STRING -> "string";
            case BYTES -> "bytes";
            case BOOL -> "bool";
            case INT32, SINT32, SFIXED32, UINT32, FIXED32 -> "int32";
            case INT64, SINT64, SFIXED64, UINT64, FIXED64 -> "int64";
            case DOUBLE, FLOAT -> "double";
            case ENUM -> "enum:" + field.getEnumType().getValues().get(0).getName();
            case MESSAGE, GROUP -> wellKnown(field.getMessageType()) ? "json" : "message:" + field.getMessageType().getFullName();
        };
    }

    private static boolean wellKnown(Descriptor message) {
        return message.getFile().getPackage().equals("google.protobuf");
    }

    private static boolean streaming(MethodDescriptor method) {
        return method.isClientStreaming() || method.isServerStreaming();
    }
}
