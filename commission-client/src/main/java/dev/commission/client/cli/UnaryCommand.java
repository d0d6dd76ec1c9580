package dev.commission.client.cli;

import com.google.protobuf.MessageOrBuilder;
import dev.commission.client.CommissionClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.ParentCommand;

/**
 * A command that makes one call and prints its reply. A new one is a small class with its
 * arguments as annotated fields and {@link #reply}, listed in {@link CommissionCli}'s subcommands.
 */
abstract class UnaryCommand implements Callable<Integer> {
    @ParentCommand
    CommissionCli cli;

    abstract MessageOrBuilder reply(CommissionClient client) throws Exception;

    @Override
    public Integer call() throws Exception {
        cli.output().reply(reply(cli.client()));
        return ExitCodes.OK;
    }
}
