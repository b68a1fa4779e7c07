package io.cortado.fs;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.io.IoErrors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The future of one blocking filesystem call: lazy, it hands the call to the runtime's blocking pool at its first
 * poll ({@link Handle#spawnBlocking}) and completes with the call's result.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>Nothing runs before the first poll; the runtime is the one running the polling task (or a fixed one).</li>
 *   <li>An {@link IOException} of the call fails the future as an {@link UncheckedIOException} whose cause is the
 *       JDK's exception, classified by {@link IoErrors}; other runtime exceptions pass through as they are.</li>
 *   <li>Cancelling aborts the blocking task: if it had not started, it never runs; if it had, it runs to
 *       completion (a blocking call cannot be stopped safely) and its result is dropped.</li>
 *   <li>A result that holds a resource (an open channel) is never lost: the worker and the canceller race on one
 *       {@link AtomicReference}; whoever comes second releases the resource with {@code orphan}. Without this a
 *       file opened by a cancelled {@code open} would stay open until the garbage collector found it.</li>
 * </ol>
 *
 * @param <T> the result type
 */
final class BlockingCall<T> implements Future<T> {

    /** A blocking call that may fail with an {@link IOException}. */
    @FunctionalInterface
    interface IoWork<T> {
        T run() throws IOException;
    }

    /** Marks {@link #handoff} once the future was cancelled (rule 4). */
    private static final Object CANCELLED = new Object();

    private final IoWork<? extends T> work;
    private final String what;
    private final Consumer<? super T> orphan;
    private final Handle runtime;
    /** Rule 4: {@code null}, then the worker's result or {@link #CANCELLED}, whichever came first. */
    private final AtomicReference<Object> handoff;
    private JoinHandle<T> join;
    private boolean done;

    /**
     * @param runtime the runtime whose pool runs the call, or {@code null} for the polling task's runtime
     * @param what    the operation, for error messages (e.g. {@code "read /tmp/a"})
     * @param work    the blocking call
     * @param orphan  releases a result nobody will take, or {@code null} if results hold nothing
     */
    BlockingCall(Handle runtime, String what, IoWork<? extends T> work, Consumer<? super T> orphan) {
        this.runtime = runtime;
        this.what = what;
        this.work = work;
        this.orphan = orphan;
        this.handoff = orphan == null ? null : new AtomicReference<>();
    }

    static <T> BlockingCall<T> of(String what, IoWork<? extends T> work) {
        return new BlockingCall<>(null, what, work, null);
    }

    @Override
    public Poll<T> poll(Context cx) {
        if (join == null) {
            Handle h = runtime != null ? runtime : Handle.current();
            join = h.spawnBlocking(this::call);
        }
        Poll<T> p;
        try {
            p = join.poll(cx);
        } catch (JoinException e) {
            done = true;
            throw io.cortado.internal.Throwables.ofBlockingIo(e, what);
        }
        if (p.isReady()) {
            done = true;
        } else {
            cx.waitingOn(this); // the call, not the blocking task that runs it
        }
        return p;
    }

    /** For task dumps. */
    @Override
    public String toString() {
        return "blocking filesystem call: " + what;
    }

    private T call() {
        T v;
        try {
            v = work.run();
        } catch (IOException e) {
            throw IoErrors.unchecked(e, what);
        }
        if (handoff != null && v != null && !handoff.compareAndSet(null, v)) {
            orphan.accept(v); // cancelled while running: nobody will take it (rule 4)
        }
        return v;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void cancel() {
        if (done) {
            return;
        }
        done = true;
        if (join == null) {
            return; // never polled: nothing started
        }
        join.abort(); // rule 3
        if (handoff != null) {
            Object prev = handoff.getAndSet(CANCELLED);
            if (prev != null && prev != CANCELLED) {
                orphan.accept((T) prev); // finished, but the result was never taken (rule 4)
            }
        }
    }

}
