package org.dlbench.djl.block;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;

/**
 * What the DJL native jars on the classpath are built for, read from their {@code native/lib/<engine>.properties}
 * without loading any native code (so that {@code supports} stays cheap).
 */
final class NativeLibraries {
    private NativeLibraries() {
    }

    /** One native jar: its flavour ({@code cpu}, {@code mkl}, {@code cu128}...) and version. */
    record Build(String flavour, String version) {
        boolean cuda() {
            return flavour.startsWith("cu");
        }
    }

    /** Every native build of that resource on the classpath, in classpath order. */
    static List<Build> onClasspath(String resource) {
        List<Build> builds = new ArrayList<>();
        try {
            Enumeration<URL> urls = NativeLibraries.class.getClassLoader().getResources(resource);
            while (urls.hasMoreElements()) {
                Properties p = new Properties();
                try (InputStream in = urls.nextElement().openStream()) {
                    p.load(in);
                }
                builds.add(new Build(flavour(p), p.getProperty("version", "unknown")));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource + " from the classpath: " + e.getMessage(), e);
        }
        return builds;
    }

    /** PyTorch writes {@code flavor=cpu}; MXNet only {@code classifier=mkl-linux-x86_64}. */
    private static String flavour(Properties p) {
        String flavour = p.getProperty("flavor");
        if (flavour != null) {
            return flavour.strip();
        }
        String classifier = p.getProperty("classifier", "unknown").strip();
        for (String os : new String[] {"-linux", "-osx", "-win"}) {
            int at = classifier.indexOf(os);
            if (at > 0) {
                return classifier.substring(0, at);
            }
        }
        return classifier;
    }
}
