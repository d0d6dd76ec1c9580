package dev.commission.php;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stub reads as grpc_php_plugin writes it (the layout of grpc's src/compiler/php_generator.cc,
 * as found in stubs that plugin generated for a greeter service): header, original file comments,
 * namespace, the service's comments, the constructor, then per RPC its comments and the call.
 */
class GrpcStubWriterTest {

    @Test
    void aGreeterReadsAsGrpcPhpPluginWritesIt() throws Exception {
        FileDescriptorProto proto = FileDescriptorProto.newBuilder()
                .setName("service/greeter.proto").setPackage("service").setSyntax("proto3")
                .addMessageType(DescriptorProto.newBuilder().setName("HelloRequest"))
                .addMessageType(DescriptorProto.newBuilder().setName("HelloReply"))
                .addService(ServiceDescriptorProto.newBuilder().setName("Greeter")
                        .addMethod(method("SayHello").build())
                        .addMethod(method("SayHellos").setServerStreaming(true))
                        .addMethod(method("Chat").setClientStreaming(true).setServerStreaming(true)))
                .setSourceCodeInfo(SourceCodeInfo.newBuilder()
                        .addLocation(Location.newBuilder().addAllPath(List.of(12))
                                .addLeadingDetachedComments(" Copyright 2015 gRPC authors.\n"))
                        .addLocation(Location.newBuilder().addAllPath(List.of(6, 0))
                                .setLeadingComments(" The greeting service definition.\n"))
                        .addLocation(Location.newBuilder().addAllPath(List.of(6, 0, 2, 0))
                                .setLeadingComments(" Sends a greeting\n"))
                        .addLocation(Location.newBuilder().addAllPath(List.of(6, 0, 2, 1))
                                .setLeadingComments(" Sends greetings, */ one by one\n")))
                .build();
        FileDescriptor file = FileDescriptor.buildFrom(proto, new FileDescriptor[0]);

        assertEquals("""
                <?php
                // GENERATED CODE -- DO NOT EDIT!

                // Original file comments:
                // Copyright 2015 gRPC authors.
                //
                namespace Service;

                /**
                 * The greeting service definition.
                 */
                class GreeterClient extends \\Grpc\\BaseStub {

                    /**
                     * @param string $hostname hostname
                     * @param array $opts channel options
                     * @param \\Grpc\\Channel $channel (optional) re-use channel object
                     */
                    public function __construct($hostname, $opts, $channel = null) {
                        parent::__construct($hostname, $opts, $channel);
                    }

                    /**
                     * Sends a greeting
                     * @param \\Service\\HelloRequest $argument input argument
                     * @param array $metadata metadata
                     * @param array $options call options
                     * @return \\Grpc\\UnaryCall
                     */
                    public function SayHello(\\Service\\HelloRequest $argument,
                      $metadata = [], $options = []) {
                        return $this->_simpleRequest('/service.Greeter/SayHello',
                        $argument,
                        ['\\Service\\HelloReply', 'decode'],
                        $metadata, $options);
                    }

                    /**
                     * Sends greetings, &#42;/ one by one
                     * @param \\Service\\HelloRequest $argument input argument
                     * @param array $metadata metadata
                     * @param array $options call options
                     * @return \\Grpc\\ServerStreamingCall
                     */
                    public function SayHellos(\\Service\\HelloRequest $argument,
                      $metadata = [], $options = []) {
                        return $this->_serverStreamRequest('/service.Greeter/SayHellos',
                        $argument,
                        ['\\Service\\HelloReply', 'decode'],
                        $metadata, $options);
                    }

                    /**
                     * @param array $metadata metadata
                     * @param array $options call options
                     * @return \\Grpc\\BidiStreamingCall
                     */
                    public function Chat($metadata = [], $options = []) {
                        return $this->_bidiRequest('/service.Greeter/Chat',
                        ['\\Service\\HelloReply','decode'],
                        $metadata, $options);
                    }

                }
                """, GrpcStubWriter.write(file.getServices().get(0)));
    }

    private static MethodDescriptorProto.Builder method(String name) {
        return MethodDescriptorProto.newBuilder().setName(name)
                .setInputType(".service.HelloRequest").setOutputType(".service.HelloReply");
    }
}
