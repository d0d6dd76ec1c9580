package dev.commission.server.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.commission.server.ServiceDefinitions;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The same service, with the proto3 JSON mapping as its wire format: each method keeps its handler
 * (the very service object the gRPC port serves) and its message types, and only its marshallers
 * change. A request that is not JSON of the method's message fails to parse inside the call, so
 * {@link dev.commission.server.status.MalformedRequests} answers it after the call's interceptors,
 * exactly as it answers bytes that are not protobuf on the gRPC port.
 */
public final class JsonMessages {
    /** Unknown fields are refused: a misspelt field name must not silently become a default value. */
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();
    /** One line (an event of a Server-Sent Events stream is one line), zeros and empty lists included. */
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace()
            .alwaysPrintFieldsWithNoPresence();

    private JsonMessages() {
    }

    /** {@code service} speaking JSON: same names, same handlers. */
    public static ServerServiceDefinition of(ServerServiceDefinition service) {
        return ServiceDefinitions.rewrite(service, JsonMessages::json);
    }

    /** The JSON of {@code message} on one line, every field with its value (zeros too). */
    public static String print(Message message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            // Only an Any of an unknown type fails to print; the service's messages hold none.
            throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName(), e);
        }
    }

    private static <Q, R> ServerMethodDefinition<Q, R> json(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> original = method.getMethodDescriptor();
        MethodDescriptor<Q, R> json = original.toBuilder(new Marshaller<>(prototype(original.getRequestMarshaller())),
                new Marshaller<>(prototype(original.getResponseMarshaller()))).build();
        return ServerMethodDefinition.create(json, method.getServerCallHandler());
    }

    @SuppressWarnings("unchecked")
    private static <T> T prototype(MethodDescriptor.Marshaller<T> marshaller) {
        if (marshaller instanceof MethodDescriptor.PrototypeMarshaller<T> proto && proto.getMessagePrototype() instanceof Message) {
            return proto.getMessagePrototype();
        }
        throw new IllegalArgumentException("not a protobuf marshaller: " + marshaller);
    }

    /** proto3 JSON both ways; an empty body is the empty message, as {@code {}} is. */
    private static final class Marshaller<T> implements MethodDescriptor.PrototypeMarshaller<T> {
        private final T prototype;

        Marshaller(T prototype) {
            this.prototype = prototype;
        }

        @Override
        public T getMessagePrototype() {
            return prototype;
        }

        @Override
        public Class<T> getMessageClass() {
            @SuppressWarnings("unchecked")
            Class<T> type = (Class<T>) prototype.getClass();
            return type;
        }

        @Override
        public InputStream stream(T value) {
            return new ByteArrayInputStream(print((Message) value).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public T parse(InputStream stream) {
            String json;
            try {
                json = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Message.Builder builder = ((Message) prototype).newBuilderForType();
            try {
                if (!json.isBlank()) {
                    PARSER.merge(json, builder);
                }
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                // MalformedRequests answers with the cause's words, as for a protobuf parse failure.
                throw Status.INVALID_ARGUMENT.withDescription("not JSON of the message").withCause(e).asRuntimeException();
            }
            @SuppressWarnings("unchecked")
            T message = (T) builder.build();
            return message;
        }
    }
}
