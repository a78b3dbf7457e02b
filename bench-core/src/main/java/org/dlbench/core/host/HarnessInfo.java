package org.dlbench.core.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** The harness's own version (from the build) and the git commit of the checkout it runs from. */
public final class HarnessInfo {
    private HarnessInfo() {
    }

    public static String version() {
        try (InputStream in = HarnessInfo.class.getResourceAsStream("/org/dlbench/core/version.properties")) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("harness.version", "unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** {@code git rev-parse HEAD}, with "-dirty" when the work tree has changes; "unknown" outside git. */
    public static String gitCommit(Path home) {
        String head = git(home, "rev-parse", "HEAD");
        if (head == null) {
            return "unknown";
        }
        String status = git(home, "status", "--porcelain", "--untracked-files=no");
        return status == null || status.isEmpty() ? head : head + "-dirty";
    }

    private static String git(Path dir, String... args) {
        try {
            String[] cmd = new String[args.length + 3];
            cmd[0] = "git";
            cmd[1] = "-C";
            cmd[2] = dir.toString();
            System.arraycopy(args, 0, cmd, 3, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
