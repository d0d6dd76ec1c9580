package dev.commission.server.cli;

import dev.commission.client.cli.CommissionCli;
import io.grpc.Channel;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command-line tool in this JVM against a channel, capturing what it prints. */
final class Cli {
    private Cli() {
    }

    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Run run(Channel channel, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = CommissionCli.run(channel, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }
}
