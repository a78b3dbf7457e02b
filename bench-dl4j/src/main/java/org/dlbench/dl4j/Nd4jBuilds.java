package org.dlbench.dl4j;

import java.util.ArrayList;
import java.util.List;
import org.dlbench.core.variant.Variant;

/**
 * The nd4j-native builds both DL4J adapters can run on, as their variants (one declaration, the best chosen per
 * engine). Each non-generic build is the nd4j-native {@code 1.0.0-M2.1} jar with classifier
 * {@code linux-x86_64-<name>}; the module {@code bench-dl4j/nd4j-variants} writes one classpath file per build,
 * {@code target/classpath-<name>.txt}, naming that jar only. The runner puts it in front of bench-dl4j's classpath and
 * pins the build with {@code -Dorg.bytedeco.javacpp.platform.extension=-<name>}: without that property JavaCPP tries
 * every extension the preset declares and loads any classifier build it finds on the classpath, and with it JavaCPP
 * loads the pinned build even when the generic jar (always on bench-dl4j's classpath) comes first. Seen with JavaCPP
 * 1.5.7 by load tests: the pinned jar last on the classpath still loads; a pinned build whose jar is missing falls
 * back silently to the generic build, which the expected {@code nd4j_native_build} then makes an invalid result.
 *
 * <p>Order, fastest expected first. Measured ad hoc on the project VM (docs/variants-design.md section 3, quick
 * profile, lenet inference, one run each): SameDiff ran 3.5x faster on {@code onednn-avx512} than on the generic
 * build (bare loop 22,662 against 6,463 samples/s) and no faster on {@code avx512} alone (5,599, noisy), while the
 * ComputationGraph of {@code DL4J} ran at the same speed on all three (1,795 / 1,797 / 1,724): its oneDNN layer helpers
 * never load in M2.1 (they look for {@code org.nd4j.nativeblas.Nd4jCpu$Environment}, which M2.1 moved; the session
 * reads that gate back as {@code dl4j_layer_onednn_helpers}), so only libnd4j's own platform helpers, i.e. SameDiff's
 * conv2d and pooling, use oneDNN. Hence {@code onednn-avx512} first for both engines (never slower); {@code avx512}
 * before {@code onednn} and {@code avx2} by instruction level (not measured; on a host with AVX-512 the order between
 * them never decides {@code best}, as {@code onednn-avx512} is picked first); {@code generic} (shipped) last.
 *
 * <p>CPU flags: the AVX-512 builds are compiled for {@code -march=skylake-avx512}, and libnd4j's own
 * {@code isMinimalRequirementsMet()} asks for avx, avx2, avx512f, avx512vl, avx512bw, avx512dq and avx512cd (plus fma,
 * which that target emits); the AVX2 build asks for avx and avx2 (plus fma). The plain {@code onednn} build is a generic
 * x86-64 build (it reads back binary level {@code generic_x86_64}) with oneDNN linked in, which picks its ISA at run
 * time: no flag needed. Both oneDNN builds carry oneDNN inside their {@code libnd4jcpu.so} (HAVE_ONEDNN in its build
 * info, no libdnnl among its needed libraries), so no dnnl jar is added.
 *
 * <p>Read back by the session ({@link Dl4jRuntime#settings}) and expected for each variant: {@code nd4j_native_build}
 * (the jar directory JavaCPP loaded libnd4jcpu from), {@code nd4j_binary_level} (libnd4j's compiled instruction level)
 * and {@code nd4j_onednn} (whether libnd4j's build info lists HAVE_ONEDNN); {@code avx512} and {@code onednn-avx512}
 * share a binary level, so it is the other two that tell them apart.
 */
final class Nd4jBuilds {

    /** The JavaCPP system property that pins one nd4j-native build. */
    static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    /** JavaCPP's platform of every build here. */
    static final String PLATFORM = "linux-x86_64";
    /** The shipped variant: the generic build on bench-dl4j's own classpath. */
    static final String GENERIC = "generic";
    /** Where nd4j-variants writes a build's classpath file, relative to bench-dl4j's directory; add the name. */
    static final String CLASSPATH_PREFIX = "nd4j-variants/target/classpath-";

    private static final String[] AVX512 = {"avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq",
        "avx512vl"};
    private static final String[] AVX2 = {"avx", "avx2", "fma"};

    /** One classifier build: its name (the classifier after {@code linux-x86_64-}) and what it reads back. */
    record Build(String name, String description, String binaryLevel, boolean onednn, String... cpuFlags) {
        /** The jar file name of this build's nd4j-native. */
        String jarName(String version) {
            return "nd4j-native-" + version + "-" + PLATFORM + "-" + name + ".jar";
        }

        /** Its classpath file, relative to bench-dl4j's directory. */
        String classpathFile() {
            return CLASSPATH_PREFIX + name + ".txt";
        }
    }

    /** The classifier builds, fastest expected first (see the class comment). */
    static final List<Build> BUILDS = List.of(
            new Build("onednn-avx512", "nd4j-native built for AVX-512 (skylake-avx512) with oneDNN inside libnd4j",
                    "avx512", true, AVX512),
            new Build("avx512", "nd4j-native built for AVX-512 (skylake-avx512), without oneDNN", "avx512", false,
                    AVX512),
            new Build("onednn", "nd4j-native generic x86-64 build with oneDNN inside libnd4j (oneDNN picks its ISA at"
                    + " run time)", "generic_x86_64", true),
            new Build("avx2", "nd4j-native built for AVX2, without oneDNN", "avx2", false, AVX2));

    private Nd4jBuilds() {
    }

    /** The variants of a DL4J engine on these builds: the classifier builds in {@link #BUILDS} order, then generic. */
    static List<Variant> variants(String engine) {
        List<Variant> out = new ArrayList<>();
        for (Build b : BUILDS) {
            out.add(Variant.builder(engine, b.name(), Variant.Kind.NATIVE_BUILD)
                    .description(b.description())
                    .requires(b.cpuFlags())
                    .classpath(b.classpathFile())
                    .property(EXTENSION_PROPERTY, "-" + b.name())
                    .expect("nd4j_native_build", PLATFORM + "-" + b.name())
                    .expect("nd4j_binary_level", b.binaryLevel())
                    .expect("nd4j_onednn", Boolean.toString(b.onednn()))
                    .build());
        }
        out.add(Variant.builder(engine, GENERIC, Variant.Kind.NATIVE_BUILD).shipped()
                .description("nd4j-native's generic x86-64 build, without oneDNN: what the plain nd4j-native"
                        + " dependency gives")
                .expect("nd4j_native_build", PLATFORM)
                .expect("nd4j_binary_level", "generic_x86_64")
                .expect("nd4j_onednn", "false")
                .build());
        return List.copyOf(out);
    }

    /** Whether libnd4j's build information ({@code NativeOps.buildInfo()}) lists oneDNN as compiled in. */
    static boolean onednnCompiledIn(String buildInfo) {
        return buildInfo != null && buildInfo.lines().map(String::strip).anyMatch("HAVE_ONEDNN"::equals);
    }

    /** The {@code HAVE_*} features libnd4j's build information lists, comma-separated, in its order. */
    static String buildFeatures(String buildInfo) {
        if (buildInfo == null) {
            return "unknown";
        }
        return String.join(",", buildInfo.lines().map(String::strip).filter(l -> l.startsWith("HAVE_"))
                .map(l -> l.substring("HAVE_".length()).toLowerCase(java.util.Locale.ROOT)).toList());
    }
}
