package org.dlbench.core.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * K Java threads for K independent instances of an engine: instance {@code i} always runs on thread {@code i}, and
 * every phase (opening, checks, warm-up, bare loops, latency phase) starts on all of them at once, behind a barrier,
 * and ends when the last one is done. With one instance, every phase runs on the calling thread, exactly as a
 * single session always did.
 */
final class InstanceThreads implements AutoCloseable {
    private final int instances;
    private final List<ExecutorService> threads = new ArrayList<>();

    InstanceThreads(int instances) {
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be at least 1, not " + instances);
        }
        this.instances = instances;
        if (instances > 1) {
            for (int i = 0; i < instances; i++) {
                String name = "dlbench-instance-" + i;
                threads.add(Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                }));
            }
        }
    }

    int instances() {
        return instances;
    }

    /**
     * Runs {@code task} on instance {@code instance}'s thread alone and waits for it (on the calling thread with one
     * instance); the task's own exception is rethrown.
     */
    <T> T on(int instance, Callable<T> task) throws Exception {
        if (instances == 1) {
            return task.call();
        }
        try {
            return threads.get(instance).submit(task).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw unwrap(e.getCause());
        }
    }

    /** {@link #on} for a task that throws no checked exception. */
    <T> T onUnchecked(int instance, Callable<T> task) {
        try {
            return on(instance, task);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Runs {@code task.apply(i)} for every instance at once, each on its own thread, all released together; returns
     * the answers in instance order. The first instance's exception (by instance number) is rethrown, unwrapped.
     */
    <T> List<T> all(IntFunction<T> task) {
        if (instances == 1) {
            return List.of(task.apply(0));
        }
        CyclicBarrier start = new CyclicBarrier(instances);
        List<Future<T>> futures = new ArrayList<>(instances);
        for (int i = 0; i < instances; i++) {
            int index = i;
            futures.add(threads.get(i).submit(() -> {
                start.await();
                return task.apply(index);
            }));
        }
        List<T> out = new ArrayList<>(instances);
        RuntimeException failure = null;
        for (Future<T> f : futures) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                out.add(null);
                if (failure == null) {
                    failure = unwrap(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the instances ran", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return out;
    }

    /**
     * One window of back-to-back calls on every instance at once ({@link BareLoop#window} on each instance's
     * thread): the calls of all instances, and the nanoseconds they take at the sum of the instances' own rates.
     */
    long[] window(Runnable[] calls, long nanos, long minCalls) {
        if (instances == 1) {
            return BareLoop.window(calls[0], nanos, minCalls);
        }
        List<long[]> each = all(i -> BareLoop.window(calls[i], nanos, minCalls));
        return aggregate(each);
    }

    /** {calls, nanoseconds} of several instances' windows as one: calls summed, rates (calls / own time) summed. */
    static long[] aggregate(List<long[]> windows) {
        long calls = 0;
        double rate = 0;
        for (long[] w : windows) {
            calls += w[0];
            rate += w[0] / (Math.max(1, w[1]) / 1e9);
        }
        return new long[] {calls, rate > 0 ? Math.max(1, Math.round(calls / rate * 1e9)) : 1};
    }

    private static RuntimeException unwrap(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t.getMessage(), t);
    }

    @Override
    public void close() {
        threads.forEach(ExecutorService::shutdownNow);
    }
}
