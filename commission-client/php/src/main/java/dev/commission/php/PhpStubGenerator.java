package dev.commission.php;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs in the build after protoc has written the PHP messages and a descriptor set (with source
 * comments and imports) of the same .proto files: writes, next to the messages, each service's
 * gRPC client as grpc_php_plugin would (that plugin is not published to Maven Central, so the
 * build cannot fetch it) and its HTTP/JSON twin.
 *
 * <p>Usage: {@code PhpStubGenerator DESCRIPTOR_SET OUTPUT_ROOT}
 */
public final class PhpStubGenerator {
    private PhpStubGenerator() {
    }

    public static void main(String[] args) throws IOException, DescriptorValidationException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: PhpStubGenerator DESCRIPTOR_SET OUTPUT_ROOT");
        }
        Path root = Path.of(args[1]);
        Map<String, List<ServiceDescriptor>> servicesByNamespace = new HashMap<>();
        for (FileDescriptor file : load(Path.of(args[0]))) {
            for (ServiceDescriptor service : file.getServices()) {
                requireMessageClasses(root, service);
                String folder = PhpNames.folder(PhpNames.namespace(file));
                String name = GrpcStubWriter.className(service) + ".php";
                write(root.resolve(folder).resolve(name), GrpcStubWriter.write(service));
                write(root.resolve(folder).resolve(HttpClientWriter.SUB_NAMESPACE).resolve(name),
                        HttpClientWriter.write(service));
                servicesByNamespace.computeIfAbsent(PhpNames.namespace(file), key -> new ArrayList<>()).add(service);
            }
        }
        servicesByNamespace.forEach((namespace, services) -> write(
                root.resolve(PhpNames.folder(namespace)).resolve(HttpClientWriter.SUB_NAMESPACE).resolve("Schema.php"),
                HttpClientWriter.writeSchema(namespace, services)));
    }

    /** The files of a descriptor set written with --include_imports: every import comes first. */
    static List<FileDescriptor> load(Path descriptorSet) throws IOException, DescriptorValidationException {
        FileDescriptorSet set;
        try (InputStream in = Files.newInputStream(descriptorSet)) {
            set = FileDescriptorSet.parseFrom(in);
        }
        Map<String, FileDescriptor> built = new HashMap<>();
        List<FileDescriptor> files = new ArrayList<>();
        for (FileDescriptorProto proto : set.getFileList()) {
            FileDescriptor[] imports = proto.getDependencyList().stream().map(built::get).toArray(FileDescriptor[]::new);
            FileDescriptor file = FileDescriptor.buildFrom(proto, imports);
            built.put(proto.getName(), file);
            files.add(file);
        }
        return files;
    }

    /** A stub naming a class protoc's PHP output does not have would fail only when called. */
    private static void requireMessageClasses(Path root, ServiceDescriptor service) {
        for (MethodDescriptor method : service.getMethods()) {
            for (Descriptor message : List.of(method.getInputType(), method.getOutputType())) {
                Path file = root.resolve(PhpNames.folder(PhpNames.messageClass(message)) + ".php");
                if (!Files.isRegularFile(file)) {
                    throw new IllegalStateException(method.getFullName() + " uses " + message.getFullName()
                            + ", but protoc wrote no " + file);
                }
            }
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
