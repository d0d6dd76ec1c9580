package dev.commission.server;

import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Rewrites the methods of a bound service while keeping its name and schema (for reflection). */
public final class ServiceDefinitions {
    private ServiceDefinitions() {
    }

    /** {@code service} with every method replaced by what {@code rewrite} makes of it (same full name). */
    public static ServerServiceDefinition rewrite(ServerServiceDefinition service,
                                                  UnaryOperator<ServerMethodDefinition<?, ?>> rewrite) {
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<?, ?> rewritten = rewrite.apply(method);
            descriptor.addMethod(rewritten.getMethodDescriptor());
            methods.add(rewritten);
        }
        ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(definition::addMethod);
        return definition.build();
    }
}
