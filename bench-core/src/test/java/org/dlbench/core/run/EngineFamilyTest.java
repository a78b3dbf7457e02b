package org.dlbench.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineFamilyTest {
    @TempDir
    Path home;

    private void module(String path, String jvmArgs) throws Exception {
        Path m = home.resolve(path);
        Files.createDirectories(m.resolve("target/classes"));
        Files.writeString(m.resolve("target/classpath.txt"), "/x.jar");
        if (jvmArgs != null) {
            Files.writeString(m.resolve("target/classes/" + EngineFamily.JVM_ARGS_FILE), jvmArgs);
        }
    }

    @Test
    void findsNestedModulesAndTheirJvmOptions() throws Exception {
        module("bench-core", null);
        module("bench-a", null);
        module("bench-a/bench-a-spark", "# comment\n--add-opens=java.base/java.nio=ALL-UNNAMED  -Dx=1\n\n-Dy=2\n");
        List<EngineFamily> found = EngineFamily.discover(home).stream()
                .sorted(java.util.Comparator.comparing(EngineFamily::name)).toList();
        assertEquals(List.of("bench-a", "bench-a-spark"), found.stream().map(EngineFamily::name).toList());
        assertEquals(List.of(), found.get(0).jvmArgs());
        assertEquals(List.of("--add-opens=java.base/java.nio=ALL-UNNAMED", "-Dx=1", "-Dy=2"), found.get(1).jvmArgs());
        assertEquals(home.resolve("bench-a/bench-a-spark/target/classes").toAbsolutePath() + ":/x.jar",
                found.get(1).classpath());
    }

    @Test
    void modulesAskForEnvironmentVariablesWithTheThreadCount() throws Exception {
        Path a = Files.createDirectories(home.resolve("a/classes"));
        Path b = Files.createDirectories(home.resolve("b/classes"));
        Files.writeString(a.resolve(EngineFamily.ENV_FILE), "# idle pools sleep\nOMP_WAIT_POLICY = PASSIVE\n"
                + "SD_MASTER_THREADS={threads}\n");
        Files.writeString(b.resolve(EngineFamily.ENV_FILE), "OMP_WAIT_POLICY=ACTIVE\nOTHER=x\n");
        String cp = String.join(java.io.File.pathSeparator, a.toString(), "/no/such.jar", b.toString());
        assertEquals(java.util.Map.of("OMP_WAIT_POLICY", "PASSIVE", "SD_MASTER_THREADS", "3", "OTHER", "x"),
                EngineFamily.moduleEnvironment(cp, 3));
        assertEquals(java.util.Map.of(), EngineFamily.moduleEnvironment("/no/such.jar", 1));
    }
}
