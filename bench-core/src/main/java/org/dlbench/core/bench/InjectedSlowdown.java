package org.dlbench.core.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.dlbench.core.adapter.Session;
import org.dlbench.core.adapter.TrainingRound;
import org.dlbench.core.data.Batch;

/**
 * A deliberate, known slowdown of one engine's timed session, for checking that {@code dlbench compare} detects a
 * real change (and nothing else): with {@code -Ddlbench.test.slowdown=ENGINE=FRACTION} in the benchmark process
 * (e.g. {@code scripts/bench --child-jvm-args -Ddlbench.test.slowdown=OnnxRuntime=0.15}), every call of that engine's
 * timed session is followed by a busy wait of {@code FRACTION / (1 - FRACTION)} times the call's own duration, so
 * its throughput drops by FRACTION in JMH, the bare loop and the latency phase alike. The cell records it in its
 * settings ({@code injected_slowdown}), so no report can pass it off as the engine's own speed.
 */
final class InjectedSlowdown implements Session {
    /** The system property: {@code ENGINE=FRACTION}, FRACTION in [0, 0.9]. */
    static final String PROPERTY = "dlbench.test.slowdown";

    private final Session inner;
    private final double factor;
    private final double fraction;

    private InjectedSlowdown(Session inner, double fraction) {
        this.inner = inner;
        this.fraction = fraction;
        this.factor = fraction / (1 - fraction);
    }

    /** The session, slowed when the property names this engine; as it is otherwise. */
    static Session wrapIfAsked(String engine, Session session) {
        try {
            return wrap(engine, session);
        } catch (IllegalArgumentException e) {
            session.close();
            throw e;
        }
    }

    private static Session wrap(String engine, Session session) {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return session;
        }
        int eq = v.lastIndexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(PROPERTY + " must be ENGINE=FRACTION (e.g. OnnxRuntime=0.15), got '"
                    + v + "'");
        }
        double f;
        try {
            f = Double.parseDouble(v.substring(eq + 1).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + ": FRACTION must be a number in [0, 0.9], got '"
                    + v.substring(eq + 1) + "'");
        }
        if (!(f >= 0 && f <= 0.9)) {
            throw new IllegalArgumentException(PROPERTY + ": FRACTION must be in [0, 0.9], got " + f);
        }
        return v.substring(0, eq).strip().equalsIgnoreCase(engine) ? new InjectedSlowdown(session, f) : session;
    }

    private void spinFor(long callNanos) {
        long until = System.nanoTime() + (long) (callNanos * factor);
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    @Override
    public float[] infer(float[] features) {
        long t0 = System.nanoTime();
        float[] out = inner.infer(features);
        spinFor(System.nanoTime() - t0);
        return out;
    }

    @Override
    public float[] infer(Batch batch) {
        long t0 = System.nanoTime();
        float[] out = inner.infer(batch);
        spinFor(System.nanoTime() - t0);
        return out;
    }

    @Override
    public float trainStep(Batch batch) {
        long t0 = System.nanoTime();
        float loss = inner.trainStep(batch);
        spinFor(System.nanoTime() - t0);
        return loss;
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>(inner.settings());
        s.put("injected_slowdown", String.format(Locale.ROOT, "%.0f%% (test, %s)", 100 * fraction, PROPERTY));
        return s;
    }

    @Override
    public String engineVersion() {
        return inner.engineVersion();
    }

    @Override
    public int samplesPerStep(int batch) {
        return inner.samplesPerStep(batch);
    }

    @Override
    public Map<String, float[]> parameters() {
        return inner.parameters();
    }

    @Override
    public TrainingRound nextTrainingRound(Batch batch) {
        return inner.nextTrainingRound(batch);
    }

    @Override
    public void repeatOwnData(int samples) {
        inner.repeatOwnData(samples);
    }

    @Override
    public void close() {
        inner.close();
    }
}
