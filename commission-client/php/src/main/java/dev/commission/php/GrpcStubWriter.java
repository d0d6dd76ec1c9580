package dev.commission.php;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;

/**
 * Writes one service's client the way grpc_php_plugin does: {@code <Service>Client extends
 * \Grpc\BaseStub}, one method per RPC named as the RPC, calling {@code _simpleRequest},
 * {@code _serverStreamRequest}, {@code _clientStreamRequest} or {@code _bidiRequest}; same
 * layout, comments and indentation as grpc's src/compiler/php_generator.cc.
 */
final class GrpcStubWriter {
    private GrpcStubWriter() {
    }

    static String className(ServiceDescriptor service) {
        return service.getName() + "Client";
    }

    static String write(ServiceDescriptor service) {
        StringBuilder out = new StringBuilder();
        out.append("<?php\n// GENERATED CODE -- DO NOT EDIT!\n\n");
        String fileComments = PhpNames.comments(service.getFile(), "//");
        if (!fileComments.isEmpty()) {
            out.append("// Original file comments:\n").append(fileComments);
        }
        out.append("namespace ").append(PhpNames.namespace(service.getFile())).append(";\n\n");
        out.append("/**\n");
        if (service.getOptions().getDeprecated()) {
            out.append(" * @deprecated\n");
        }
        out.append(PhpNames.comments(service, " *"));
        out.append(" */\n");
        out.append("class ").append(className(service)).append(" extends \\Grpc\\BaseStub {\n\n");
        out.append("""
                    /**
                     * @param string $hostname hostname
                     * @param array $opts channel options
                     * @param \\Grpc\\Channel $channel (optional) re-use channel object
                     */
                    public function __construct($hostname, $opts, $channel = null) {
                        parent::__construct($hostname, $opts, $channel);
                    }

                """);
        for (MethodDescriptor method : service.getMethods()) {
            method(method, out);
        }
        out.append("}\n");
        return out.toString();
    }

    private static void method(MethodDescriptor method, StringBuilder out) {
        String path = "/" + method.getService().getFullName() + "/" + method.getName();
        String input = "\\" + PhpNames.messageClass(method.getInputType());
        String output = "\\" + PhpNames.messageClass(method.getOutputType());
        out.append("    /**\n");
        if (method.getOptions().getDeprecated()) {
            out.append("     * @deprecated\n");
        }
        out.append(PhpNames.comments(method, " *").indent(4));
        if (method.isClientStreaming()) {
            String call = method.isServerStreaming() ? "BidiStreamingCall" : "ClientStreamingCall";
            String request = method.isServerStreaming() ? "_bidiRequest" : "_clientStreamRequest";
            out.append("     * @param array $metadata metadata\n")
                    .append("     * @param array $options call options\n")
                    .append("     * @return \\Grpc\\").append(call).append("\n     */\n")
                    .append("    public function ").append(method.getName()).append("($metadata = [], $options = []) {\n")
                    .append("        return $this->").append(request).append("('").append(path).append("',\n")
                    .append("        ['").append(output).append("','decode'],\n")
                    .append("        $metadata, $options);\n");
        } else {
            String call = method.isServerStreaming() ? "ServerStreamingCall" : "UnaryCall";
            String request = method.isServerStreaming() ? "_serverStreamRequest" : "_simpleRequest";
            out.append("     * @param ").append(input).append(" $argument input argument\n")
                    .append("     * @param array $metadata metadata\n")
                    .append("     * @param array $options call options\n")
                    .append("     * @return \\Grpc\\").append(call).append("\n     */\n")
                    .append("    public function ").append(method.getName()).append("(").append(input)
                    .append(" $argument,\n")
                    .append("      $metadata = [], $options = []) {\n")
                    .append("        return $this->").append(request).append("('").append(path).append("',\n")
                    .append("        $argument,\n")
                    .append("        ['").append(output).append("', 'decode'],\n")
                    .append("        $metadata, $options);\n");
        }
        out.append("    }\n\n");
    }
}
