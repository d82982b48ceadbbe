package agecnn.serve;

import agecnn.predict.Predictor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small pool of workers, each with its own {@link Predictor} (a network and a face detector
 * are not safe to share between threads), and a bounded queue in front of them. A job that
 * finds every worker busy and the queue full is refused at once (the server answers 503 with
 * Retry-After), so the server's memory and latency stay bounded however many clients call.
 */
final class Workers implements AutoCloseable {

    /** What a worker does with its predictor. */
    @FunctionalInterface
    interface Job<T> {
        T run(Predictor predictor) throws Exception;
    }

    private final ThreadPoolExecutor executor;
    private final BlockingQueue<Predictor> idle;
    private final List<Predictor> all;
    private final int queue;
    /** Places for jobs, running or waiting: taken on submit, given back before the job's answer goes out. */
    private final Semaphore places;
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    /** Mean seconds of the recent jobs (exponentially weighted), for Retry-After. */
    private volatile double meanSeconds = 1;

    /** @param predictors one per worker, closed with the pool */
    Workers(List<Predictor> predictors, int queue) {
        if (predictors.isEmpty()) throw new IllegalArgumentException("no predictor");
        int n = predictors.size();
        this.all = List.copyOf(predictors);
        this.idle = new LinkedBlockingQueue<>(all);
        this.queue = queue;
        this.places = new Semaphore(n + queue);
        AtomicInteger count = new AtomicInteger();
        // The places bound the jobs; the executor's own queue need not (a bounded one would refuse
        // a job submitted just after another's answer, before its worker took the next one).
        executor = new ThreadPoolExecutor(n, n, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "serve-worker-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        executor.prestartAllCoreThreads();
    }

    /**
     * Runs {@code job} on the next free worker. The future completes with its result or its
     * exception; one completed (e.g. timed out) before a worker took it up is skipped.
     *
     * @throws ApiError 503, with a Retry-After, when every worker is busy and the queue is full
     */
    <T> CompletableFuture<T> submit(Job<T> job) throws ApiError {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!places.tryAcquire()) {
            refused.incrementAndGet();
            throw new ApiError(503, "busy: " + all.size() + (all.size() == 1 ? " worker" : " workers") + " at work and "
                    + queue + " requests waiting; try again in a moment", null, retryAfterSeconds());
        }
        try {
            executor.execute(() -> {
                if (result.isDone()) {   // answered already (time limit): not worth the work
                    places.release();
                    return;
                }
                Predictor p = idle.poll();
                busy.incrementAndGet();
                long start = System.nanoTime();
                T value = null;
                Throwable failure = null;
                try {
                    value = job.run(p);
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    busy.decrementAndGet();
                    done.incrementAndGet();
                    meanSeconds = 0.8 * meanSeconds + 0.2 * (System.nanoTime() - start) / 1e9;
                    idle.add(p);
                    places.release();
                }
                if (failure == null) result.complete(value);
                else result.completeExceptionally(failure);
            });
        } catch (RejectedExecutionException e) {   // shut down
            places.release();
            throw new ApiError(503, "the server is stopping", null, retryAfterSeconds());
        }
        return result;
    }

    /** About how long until a place frees up: the queue's work at the recent pace, 1 to 60 s. */
    int retryAfterSeconds() {
        double s = meanSeconds * (queue + all.size()) / all.size();
        return (int) Math.max(1, Math.min(60, Math.ceil(s)));
    }

    int size() {
        return all.size();
    }

    int queueLimit() {
        return queue;
    }

    int busy() {
        return busy.get();
    }

    int waiting() {
        return executor.getQueue().size();
    }

    long done() {
        return done.get();
    }

    long refused() {
        return refused.get();
    }

    /** Stops taking jobs, lets running ones finish for up to {@code seconds}, then closes the predictors. */
    void shutdown(long seconds) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(seconds, TimeUnit.SECONDS)) executor.shutdownNow();
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        List<RuntimeException> failures = new ArrayList<>();
        for (Predictor p : all) {
            try {
                p.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) throw failures.get(0);
    }

    @Override
    public void close() {
        shutdown(10);
    }
}
