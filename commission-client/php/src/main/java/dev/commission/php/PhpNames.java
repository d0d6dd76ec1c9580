package dev.commission.php;

import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The naming and comment rules of grpc's PHP plugin (src/compiler/php_generator.cc and
 * php_generator_helpers.h), so the stubs read exactly as grpc_php_plugin would write them.
 */
final class PhpNames {
    private static final int SERVICE_FIELD = 6;
    private static final int METHOD_FIELD = 2;
    private static final int SYNTAX_FIELD = 12;

    private PhpNames() {
    }

    /** The file's php_namespace, else its package with each dotted part capitalised. */
    static String namespace(FileDescriptor file) {
        if (file.getOptions().hasPhpNamespace()) {
            return file.getOptions().getPhpNamespace();
        }
        return Arrays.stream(file.getPackage().split("\\."))
                .filter(part -> !part.isEmpty())
                .map(PhpNames::capitalize)
                .collect(Collectors.joining("\\"));
    }

    /**
     * The fully qualified class protoc's PHP output gives a message, without the leading
     * backslash: the namespace, then the containing messages, then the message.
     */
    static String messageClass(Descriptor message) {
        List<String> names = new ArrayList<>();
        for (Descriptor type = message; type != null; type = type.getContainingType()) {
            names.add(0, type.getName());
        }
        String namespace = namespace(message.getFile());
        String nested = String.join("\\", names);
        return namespace.isEmpty() ? nested : namespace + "\\" + nested;
    }

    /** The folder of a namespace under the output root: Commission\V1 is Commission/V1. */
    static String folder(String namespace) {
        return namespace.replace('\\', '/');
    }

    /** A service's leading comments, each line prefixed as grpc's GetPHPComments does. */
    static String comments(ServiceDescriptor service, String prefix) {
        return comments(service.getFile(), List.of(SERVICE_FIELD, service.getIndex()), prefix);
    }

    static String comments(MethodDescriptor method, String prefix) {
        return comments(method.getFile(),
                List.of(SERVICE_FIELD, method.getService().getIndex(), METHOD_FIELD, method.getIndex()), prefix);
    }

    /** For a file: the comments above its syntax line. */
    static String comments(FileDescriptor file, String prefix) {
        return comments(file, List.of(SYNTAX_FIELD), prefix);
    }

    private static String comments(FileDescriptor file, List<Integer> path, String prefix) {
        Map<List<Integer>, Location> locations = file.toProto().getSourceCodeInfo().getLocationList().stream()
                .collect(Collectors.toMap(Location::getPathList, Function.identity(), (first, second) -> first));
        Location location = locations.get(path);
        if (location == null) {
            return "";
        }
        List<String> lines = new ArrayList<>();
        for (String detached : location.getLeadingDetachedCommentsList()) {
            lines.addAll(lines(detached));
            lines.add("");
        }
        lines.addAll(lines(location.getLeadingComments()));
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(prefix);
            if (!line.isEmpty()) {
                out.append(line.startsWith(" ") ? "" : " ").append(line);
            }
            out.append('\n');
        }
        return out.toString().replace("*/", "&#42;/");
    }

    /** Lines as C++'s getline splits them: a last newline ends a line, it does not start one. */
    private static List<String> lines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (text.endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private static String capitalize(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
