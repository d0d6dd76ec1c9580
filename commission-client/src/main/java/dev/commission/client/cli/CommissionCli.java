package dev.commission.client.cli;

import dev.commission.client.BearerToken;
import dev.commission.client.CommissionClient;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.File;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command-line tool: one command per call, the reply printed as protobuf text, or as proto3
 * JSON with {@code --json}. Each command is one small class listed in {@code subcommands} below;
 * the options here ({@code --target}, {@code --token}, TLS, {@code --json}) apply to every one of
 * them, before or after the command's name.
 */
@Command(name = "commission-cli", synopsisSubcommandLabel = "COMMAND",
        description = "Calls a commission server: one command per call, the reply printed as protobuf text.",
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  done",
            "  2  usage: a missing or bad argument, or the server's INVALID_ARGUMENT",
            "  3  NOT_FOUND: no such campaign, steward, order or dead letter",
            "  4  refused: ALREADY_EXISTS (a conflict), FAILED_PRECONDITION,",
            "     PERMISSION_DENIED, UNAUTHENTICATED: the same command is refused again",
            "  5  UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED: try again later",
            "  1  anything else",
            "",
            "Run 'commission-cli COMMAND --help' for a command's arguments."},
        subcommands = {
            CampaignCommands.CreateCampaign.class, CampaignCommands.GetCampaign.class,
            CampaignCommands.CloseCampaign.class, CampaignCommands.Register.class, CampaignCommands.GetSteward.class,
            OrderCommands.Settle.class, OrderCommands.Refund.class, OrderCommands.Adjust.class,
            OrderCommands.Transfer.class, OrderCommands.GetOrder.class, OrderCommands.Ledger.class,
            OrderCommands.Reconcile.class, OrderCommands.Rebuild.class,
            RankingCommands.Ranking.class, RankingCommands.Standing.class,
            QueueCommands.Submit.class, QueueCommands.GetSettlement.class, QueueCommands.DeadLetters.class,
            QueueCommands.Replay.class, QueueCommands.Discard.class, QueueCommands.Queue.class,
            MetricsCommands.Catalogue.class, MetricsCommands.Visits.class, MetricsCommands.Sms.class,
            MetricsCommands.Metrics.class,
            WatchCommand.class, LoadCommand.class, DemoCommand.class,
        })
public final class CommissionCli implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--target", paramLabel = "HOST:PORT", defaultValue = "localhost:9090", scope = ScopeType.INHERIT,
            description = "The server (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:COMMISSION_TOKEN}", scope = ScopeType.INHERIT,
            description = "Bearer token (default: the environment's COMMISSION_TOKEN).")
    String token;

    @Option(names = "--ca", paramLabel = "FILE", scope = ScopeType.INHERIT, description = "TLS, trusting this PEM CA.")
    File ca;

    @Option(names = "--cert", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Client certificate (PEM) for mutual TLS, with --key.")
    File cert;

    @Option(names = "--key", paramLabel = "FILE", scope = ScopeType.INHERIT, description = "Its PKCS#8 PEM key.")
    File key;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print replies as proto3 JSON, one object a line, and errors as JSON on stderr.")
    boolean json;

    @Spec
    CommandSpec spec;

    private final Channel given;
    private Channel channel;
    private ManagedChannel owned;
    private Output output;

    private CommissionCli(Channel given) {
        this.given = given;
    }

    public static void main(String[] args) {
        System.exit(run(null, utf8(System.out), utf8(System.err), args));
    }

    /**
     * Runs one command line and answers its exit code. {@code channel} is the server to call (the
     * caller owns it), or null to call the one {@code --target} names.
     */
    public static int run(Channel channel, PrintWriter out, PrintWriter err, String... args) {
        CommissionCli cli = new CommissionCli(channel);
        cli.output = new Output(out, err, Arrays.asList(args).contains("--json"));
        CommandLine line = new CommandLine(cli).setCaseInsensitiveEnumValuesAllowed(true).setOut(out).setErr(err)
                .setParameterExceptionHandler(cli::usageError).setExecutionExceptionHandler(cli::failed);
        // A command's synopsis shows its own arguments; the options every command shares stay listed below it.
        line.getSubcommands().values().forEach(command -> command.getCommandSpec().usageMessage().abbreviateSynopsis(true));
        try {
            return line.execute(args);
        } finally {
            cli.close();
            out.flush();
            err.flush();
        }
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }

    /** The server's channel, built on first use from the options unless one was given. */
    Channel channel() throws IOException {
        if (channel == null) {
            Channel base = given;
            if (base == null) {
                owned = Grpc.newChannelBuilder(target, credentials()).build();
                base = owned;
            }
            channel = token == null || token.isBlank() ? base : ClientInterceptors.intercept(base, new BearerToken(token));
        }
        return channel;
    }

    CommissionClient client() throws IOException {
        return new CommissionClient(channel());
    }

    Output output() {
        return output;
    }

    /** Plaintext, or TLS trusting {@code --ca} (with a client certificate for mutual TLS). */
    private ChannelCredentials credentials() throws IOException {
        if (ca == null) {
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder().trustManager(ca);
        if (cert != null || key != null) {
            if (cert == null || key == null) {
                throw new ParameterException(spec.commandLine(), "a client certificate needs both --cert and --key");
            }
            tls.keyManager(cert, key);
        }
        return tls.build();
    }

    private int usageError(ParameterException e, String[] args) {
        output.usageError(e.getMessage(), e.getCommandLine(), e);
        return ExitCodes.USAGE;
    }

    /** A failed call answers its code's exit code; no stack trace reaches the user. */
    private int failed(Exception e, CommandLine command, ParseResult parsed) {
        if (e instanceof StatusRuntimeException refused) {
            output.refused(refused);
            return ExitCodes.of(refused.getStatus().getCode());
        }
        if (e instanceof IllegalArgumentException || e instanceof IOException) {
            output.usageError(e.getMessage(), command, e);
            return ExitCodes.USAGE;
        }
        output.failed(e);
        return ExitCodes.OTHER;
    }

    private void close() {
        if (owned != null) {
            try {
                owned.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static PrintWriter utf8(PrintStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
    }
}
