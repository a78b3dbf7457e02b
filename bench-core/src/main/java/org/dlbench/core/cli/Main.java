package org.dlbench.core.cli;

import org.dlbench.core.process.ParentWatch;
import org.dlbench.core.host.HarnessInfo;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dlbench}: measures deep learning engines on this machine. */
@Command(name = "dlbench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Measures deep learning engines on the JVM: the same workloads, weights and data on every engine.",
        subcommands = {RunCommand.class, SweepCommand.class, ListCommand.class, ReportCommand.class, CompareCommand.class,
                NoiseCommand.class, AgreeCommand.class, ScorecardCommand.class,
                HistoryCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    /** Exit code for bad input: unknown names, impossible values, unusable files. */
    public static final int USAGE = 2;

    public static void main(String[] args) {
        // only when asked (-Ddlbench.parent.pid, as tests do): a runner normally outlives the shell that started it
        org.dlbench.core.process.ParentWatch.startIfAsked("runner");
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line and returns its exit code; used by tests too. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("dlbench: " + ex.getMessage());
            err.println("Try 'dlbench " + (ex.getCommandLine().getCommandName().equals("dlbench") ? ""
                    : ex.getCommandLine().getCommandName() + " ") + "--help'.");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UserError) {
                // one line, whatever a message quoted from a file holds
                err.println("dlbench: " + String.valueOf(ex.getMessage()).replaceAll("\\R", " "));
                return USAGE;
            }
            err.println("dlbench: internal error: " + ex);
            ex.printStackTrace(err);
            return 3;
        });
        return cli.execute(args);
    }

    /** A problem with what the user asked for: printed as one line, exit code 2. */
    public static class UserError extends RuntimeException {
        public UserError(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"dlbench " + org.dlbench.core.host.HarnessInfo.version()};
        }
    }
}
