package io.cortado.internal.task;

import io.cortado.AbortHandle;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.Priority;
import io.cortado.Waker;
import io.cortado.internal.RuntimeEvents;
import io.cortado.internal.Throwables;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A task: one object holding the state word, the future, the output and the join waker. The task is its own
 * {@link Waker}, its own {@link Context} (with the cooperative budget) and its own {@link JoinHandle}.
 *
 * <h2>State word</h2>
 * One {@code int}, read and written through {@link #STATE} ({@code VarHandle}, volatile and CAS only):
 * <pre>
 *   bit 0  RUNNING        a thread owns the task: it is polling the future, or cancelling it
 *   bit 1  COMPLETE       the outcome is stored; once set, never unset
 *   bit 2  NOTIFIED       the task must be polled (again); it is in a run queue, or will be put in one
 *   bit 3  CANCELLED      abort or shutdown was requested; once set, never unset
 *   bit 4  JOIN_INTEREST  the JoinHandle still wants the output; once unset, never set again
 * </pre>
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li><b>One poller.</b> Only the thread that set RUNNING (by {@link #transitionToRunning} or
 *       {@link #shutdown}) touches {@code future}; it gives RUNNING up only by {@link #transitionToIdle} or by
 *       completing. So a future is never polled by two threads at once, and consecutive polls are ordered by the
 *       CAS on the state word (happens-before).</li>
 *   <li><b>Queued iff notified.</b> The task is in a run queue (or being put into one) exactly when NOTIFIED is set
 *       and RUNNING and COMPLETE are clear. The scheduler's queues therefore never hold a task twice.</li>
 *   <li><b>Who schedules.</b> Whoever moves the word from idle (no RUNNING, NOTIFIED, COMPLETE) to NOTIFIED calls
 *       {@link Scheduler#schedule}. A wake that finds RUNNING only sets NOTIFIED; the runner sees it in
 *       {@link #transitionToIdle} and calls {@link Scheduler#yieldTask}. A wake that finds NOTIFIED or COMPLETE
 *       does nothing: that costs one volatile read, no CAS. Hence a wake (or abort) may return while another
 *       thread's enqueue of the same task is still in flight: a wake promises that the task <i>will</i> be queued,
 *       not that it already is.</li>
 *   <li><b>No lost wake-up.</b> A wake that lands while the future is being polled sets NOTIFIED before the
 *       runner's idle CAS, which then fails and sees it; one that lands after the idle CAS finds the task idle and
 *       schedules it. Why the read-only fast path of rule 3 is safe: the wake's volatile read saw NOTIFIED, so it
 *       precedes the runner's CAS that clears NOTIFIED in the synchronization order, and everything the waker
 *       published with volatile (or stronger) writes before waking is visible to the poll that follows that CAS.
 *       Wakers must publish with volatile writes (or a full fence) before {@code wake()}.</li>
 *   <li><b>Completion.</b> The runner stores the outcome, then sets COMPLETE and clears RUNNING in one CAS
 *       (release), then reads the join waker. The join side writes its waker (volatile), then re-reads the state.
 *       Both sides write, then read, volatile variables (Dekker), so at least one sees the other: either the
 *       joiner sees COMPLETE and takes the outcome, or completion sees the new waker and wakes it.</li>
 *   <li><b>Cancellation.</b> {@link #abort} sets CANCELLED; if the task was idle it also sets NOTIFIED and
 *       schedules it, so the cancellation runs on the runtime: {@link #run} sees CANCELLED in
 *       {@link #transitionToRunning} (or the runner sees it in {@link #transitionToIdle}), calls
 *       {@link Future#cancel()} and completes the task as cancelled. A poll that already returned Ready wins: the
 *       task completes with its value.</li>
 *   <li><b>Shutdown.</b> {@link #shutdown} takes RUNNING on an idle task and cancels it on the calling thread; on
 *       a running task it sets CANCELLED and leaves the rest to the runner (rule 6). A queued copy of a completed
 *       task is harmless: {@link #transitionToRunning} fails on COMPLETE.</li>
 *   <li><b>Detach.</b> {@link #cancel()} clears JOIN_INTEREST; a task completing without join interest drops its
 *       output at once.</li>
 *   <li><b>Self-wake.</b> A wake from the thread that is polling the task (a yield, an exhausted budget) sets a
 *       plain flag that {@link #transitionToIdle} folds into its CAS as NOTIFIED, so a yield costs no extra atomic.
 *       Only the poller writes {@code poller} (its own thread, then {@code null}), so a thread that reads itself
 *       there is the poller: the check is exact with a plain field.</li>
 * </ol>
 * There is no reference count: the garbage collector frees a task once no queue, list, waker or handle holds it.
 *
 * <p>Guarded by {@code TaskStateLincheckTest} (linearizability of wake/abort/join against a sequential model),
 * {@code TaskCellStressTest} (many threads waking, aborting and joining) and {@code TaskCellTest} (one test per
 * transition).
 *
 * @param <T> the type of the output
 */
public final class TaskCell<T> extends BudgetedContext implements Waker, JoinHandle<T> {

    /** A thread owns the task: it is polling or cancelling the future. */
    static final int RUNNING = 1;
    /** The outcome is stored. Once this bit is set, it is never unset. */
    static final int COMPLETE = 1 << 1;
    /** The task must be polled again; it is queued or about to be. */
    static final int NOTIFIED = 1 << 2;
    /** Abort or shutdown was requested. Once this bit is set, it is never unset. */
    static final int CANCELLED = 1 << 3;
    /** The join handle still wants the output. Once this bit is unset, it is never set again. */
    static final int JOIN_INTEREST = 1 << 4;

    /** Initial state of a spawned task: about to be scheduled, output wanted. */
    static final int INITIAL = NOTIFIED | JOIN_INTEREST;

    /** The tag of a schedule-time {@link #stamp}. */
    public static final int SCHEDULED_TAG = Integer.MIN_VALUE;

    private static final VarHandle STATE;
    private static final VarHandle ID;
    private static final java.util.concurrent.atomic.AtomicInteger IDS = new java.util.concurrent.atomic.AtomicInteger();
    private static final VarHandle NEXT_INJECT;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(TaskCell.class, "state", int.class);
            NEXT_INJECT = MethodHandles.lookup().findVarHandle(TaskCell.class, "nextInject", TaskCell.class);
            ID = MethodHandles.lookup().findVarHandle(TaskCell.class, "id", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Result of {@link #transitionToRunning()}. */
    public enum RunTransition {
        /** The caller owns the task and must poll it. */
        POLL,
        /** The caller owns the task and must cancel it: CANCELLED was set. */
        CANCEL,
        /** The task was not runnable (already complete or running): do nothing. */
        SKIP
    }

    /** Result of {@link #transitionToIdle()}. */
    public enum IdleTransition {
        /** The task is idle; a future wake schedules it. */
        IDLE,
        /** It was woken while running: NOTIFIED stays set and the caller must re-queue it. */
        REQUEUE,
        /** CANCELLED was set while running: the caller still owns it and must cancel it. */
        CANCEL
    }

    /** The state word; see the class comment. Accessed only through {@link #STATE}. */
    @SuppressWarnings("unused")
    private volatile int state;

    private static final Priority[] PRIORITIES = Priority.values();

    private final Scheduler scheduler;
    /** The task's name (a {@code String}, or {@code null}), or a {@link Labelled} when its spawn site was captured. */
    private Object label;
    /** The priority's ordinal: a byte beside {@code selfWoken}, so the cell keeps its 72 bytes. */
    private final byte priority;
    /**
     * When the task last changed hands, for dumps and the schedule-latency histogram (a report, never a decision):
     * <ul>
     *   <li>0: never polled;</li>
     *   <li>{@link #SCHEDULED_TAG} set: the time it was scheduled, in units of 2^10 ns modulo 2^31 (only on runtimes
     *       that time polls: the scheduler writes it before it publishes the task to a queue);</li>
     *   <li>otherwise: the runtime's coarse time when its last poll began (units of 2^20 ns, about 1 ms, since the
     *       runtime started, plus one), written by the thread about to run it.</li>
     * </ul>
     * Plain: the writes are ordered by the queue hand-offs that move the task; dumps read it racily (an int is never
     * torn).
     */
    private int stamp;
    /** What the last poll returned Pending on ({@link Context#waitingOn}); plain: read racily by dumps only. */
    private Object waitingOn;
    /**
     * A process-unique id, assigned on first request (tracing, dumps): 0 until then. Through {@link #ID}. An int, to
     * keep the cell small (ids wrap after 2^31 tasks asked for one; they only label tasks in reports).
     */
    @SuppressWarnings("unused")
    private volatile int id;
    /** Touched only by the owner of RUNNING (rule 1); {@code null} once complete. */
    private Future<T> future;
    /** Written before COMPLETE is set, read after COMPLETE is seen: a value, or a {@link Failure}. */
    private Object outcome;
    /** The waker of the last join poll; see rule 5. */
    private volatile Waker joinWaker;

    /**
     * The thread polling the future right now, or {@code null}; written only by that thread (rule 9). A thread can
     * read its own reference here only if it wrote it and has not cleared it yet, so a plain field is exact.
     */
    private Thread poller;
    /** A wake by the poller during its poll (rule 9); touched only by the poller. */
    private boolean selfWoken;

    /** The intrusive link of {@link OwnedTasks}; guarded by the lock of the shard the task is bound to. */
    TaskCell<?> nextOwned;
    /** The {@link OwnedTasks} shard the task is bound to, plus one (0: not bound); written under that shard's lock
     * before the task is published. */
    int ownedShard;
    /** The intrusive link of the multi-thread inject queue; see that queue's rules for who writes it when. */
    @SuppressWarnings("unused") // through NEXT_INJECT
    private volatile TaskCell<?> nextInject;

    /** @return the next task in the inject queue (acquire) */
    public TaskCell<?> nextInjectAcquire() {
        return (TaskCell<?>) NEXT_INJECT.getAcquire(this);
    }

    /** @param next the next task in the inject queue (release: publishes the task to the consumer) */
    public void setNextInjectRelease(TaskCell<?> next) {
        NEXT_INJECT.setRelease(this, next);
    }

    /** @param next the next task in the inject queue (plain: before the task is published) */
    public void setNextInjectPlain(TaskCell<?> next) {
        NEXT_INJECT.set(this, next);
    }

    /**
     * @param future    the task's future
     * @param scheduler where the task is queued when woken
     */
    public TaskCell(Future<T> future, Scheduler scheduler) {
        this(future, scheduler, null, Priority.DATA);
    }

    /**
     * @param future    the task's future
     * @param scheduler where the task is queued when woken
     * @param name      the task's name for reports, or {@code null}
     * @param priority  its priority class
     */
    public TaskCell(Future<T> future, Scheduler scheduler, String name, Priority priority) {
        this.future = Objects.requireNonNull(future, "future");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.label = name;
        this.priority = (byte) Objects.requireNonNull(priority, "priority").ordinal();
        // A plain store: a volatile one would cost a full fence per spawn. Every thread that sees the task got it
        // through a queue, a lock or the spawner's own JoinHandle, each of which publishes it safely.
        STATE.set(this, INITIAL);
    }

    @Override
    public void waitingOn(Object what) {
        waitingOn = what;
    }

    /** @return what the task's last poll waited on, if a leaf said (for dumps; racy read) */
    public Object waitingOnRacy() {
        return waitingOn;
    }

    /** @return "running", "scheduled", "idle" or "complete" (for dumps; a racy snapshot) */
    public String stateName() {
        int s = stateVolatile();
        if ((s & COMPLETE) != 0) {
            return "complete";
        }
        if ((s & RUNNING) != 0) {
            return "running";
        }
        return (s & NOTIFIED) != 0 ? "scheduled" : "idle";
    }

    @Override
    protected void budgetExhausted() {
        scheduler.budgetExhausted(this);
    }

    /** @return the task's process-unique id (assigned on first request, so spawning costs no shared counter) */
    public long id() {
        int i = id;
        if (i != 0) {
            return i;
        }
        int fresh = IDS.incrementAndGet();
        if (fresh == 0) {
            fresh = IDS.incrementAndGet(); // 0 means "none yet"
        }
        return ID.compareAndSet(this, 0, fresh) ? fresh : id;
    }

    /** @return the task's priority class */
    public Priority priority() {
        return PRIORITIES[priority];
    }

    /** A name with the place the task was spawned from (only when the runtime captures spawn locations). */
    private record Labelled(String name, StackTraceElement spawnedAt) {
    }

    /**
     * Records where the task was spawned; call before the task is published (plain write).
     *
     * @param at the spawning frame
     */
    public void spawnedAt(StackTraceElement at) {
        label = new Labelled(label instanceof String n ? n : null, at);
    }

    /** @return where the task was spawned, if the runtime captured it, else {@code null} */
    public StackTraceElement spawnLocation() {
        return label instanceof Labelled l ? l.spawnedAt() : null;
    }

    /**
     * Stamps the task as scheduled now (timed runtimes only; before the task is published to a queue).
     *
     * @param nanoTime {@code System.nanoTime()}
     */
    public void stampScheduled(long nanoTime) {
        stamp = SCHEDULED_TAG | ((int) (nanoTime >>> 10) & Integer.MAX_VALUE);
    }

    /**
     * Stamps the start of a poll, by the thread about to run the task.
     *
     * @param coarseNow the runtime's coarse time (see {@link #stamp})
     * @return the previous stamp
     */
    public int stampPolled(int coarseNow) {
        int prev = stamp;
        stamp = coarseNow;
        return prev;
    }

    /** @return the {@link #stamp} (for dumps; racy read) */
    public int stampRacy() {
        return stamp;
    }

    /** @return the task's name, or a description of its future if it has none */
    public String name() {
        Object l = label;
        String name = l instanceof Labelled lb ? lb.name() : (String) l;
        if (name != null) {
            return name;
        }
        Future<T> f = future;
        return f == null ? "(finished task)" : f.getClass().getName();
    }

    // ---------------------------------------------------------------------------------------------------------
    // State accessors (memory mode in the name)

    int stateVolatile() {
        return (int) STATE.getVolatile(this);
    }

    private boolean casState(int expected, int next) {
        return STATE.compareAndSet(this, expected, next);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Transitions

    /**
     * NOTIFIED and idle → RUNNING (NOTIFIED cleared). Rule 1, 2.
     *
     * @return whether to poll, cancel, or skip
     */
    public RunTransition transitionToRunning() {
        for (; ; ) {
            int s = stateVolatile();
            if ((s & NOTIFIED) == 0 || (s & (RUNNING | COMPLETE)) != 0) {
                return RunTransition.SKIP;
            }
            if (casState(s, (s | RUNNING) & ~NOTIFIED)) {
                return (s & CANCELLED) != 0 ? RunTransition.CANCEL : RunTransition.POLL;
            }
        }
    }

    /**
     * RUNNING → idle after a poll returned Pending. Rule 3, 4, 6.
     *
     * @return idle, re-queue (woken while running), or cancel (CANCELLED set while running)
     */
    public IdleTransition transitionToIdle() {
        int self = selfWoken ? NOTIFIED : 0;
        selfWoken = false;
        for (; ; ) {
            int s = stateVolatile();
            if ((s & CANCELLED) != 0) {
                return IdleTransition.CANCEL;
            }
            if (casState(s, (s & ~RUNNING) | self)) {
                return ((s | self) & NOTIFIED) != 0 ? IdleTransition.REQUEUE : IdleTransition.IDLE;
            }
        }
    }

    /**
     * Wakes the task (rules 3, 9). Thread-safe, idempotent, never blocks.
     */
    @Override
    public void wake() {
        if (poller == Thread.currentThread()) {
            selfWoken = true; // rule 9: the poller wakes its own task (a yield): no atomic needed
            return;
        }
        RuntimeEvents.woken(this);
        int s = stateVolatile();
        if ((s & (NOTIFIED | COMPLETE)) != 0) {
            return;
        }
        for (; ; ) {
            if (casState(s, s | NOTIFIED)) {
                if ((s & RUNNING) == 0) {
                    scheduler.schedule(this);
                }
                return;
            }
            s = stateVolatile();
            if ((s & (NOTIFIED | COMPLETE)) != 0) {
                return;
            }
        }
    }

    @Override
    public void abort() {
        for (; ; ) {
            int s = stateVolatile();
            if ((s & (COMPLETE | CANCELLED)) != 0) {
                return;
            }
            boolean submit = (s & (RUNNING | NOTIFIED)) == 0;
            if (casState(s, s | CANCELLED | NOTIFIED)) {
                if (submit) {
                    scheduler.schedule(this);
                }
                return;
            }
        }
    }

    /**
     * Cancels the task because its runtime shuts down (rule 7). If it is idle the caller takes it over and
     * cancels it on this thread; if it is running the runner will cancel it.
     */
    public void shutdown() {
        for (; ; ) {
            int s = stateVolatile();
            if ((s & COMPLETE) != 0) {
                return;
            }
            if ((s & RUNNING) != 0) {
                if ((s & CANCELLED) != 0 || casState(s, s | CANCELLED)) {
                    return;
                }
                continue;
            }
            if (casState(s, s | RUNNING | CANCELLED)) {
                cancelAndComplete();
                return;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Running

    /**
     * Runs the task once: the scheduler calls this for a task it took from a run queue.
     */
    public void run() {
        switch (transitionToRunning()) {
            case SKIP -> {
            }
            case CANCEL -> cancelAndComplete();
            case POLL -> pollFuture();
        }
    }

    private void pollFuture() {
        boolean ready;
        T value = null;
        resetBudget();
        waitingOn = null;
        poller = Thread.currentThread();
        long t0 = RuntimeEvents.pollsTraced() ? System.nanoTime() : 0;
        try {
            Poll<T> p = future.poll(this);
            ready = p.isReady(); // a null Poll is a broken future: it fails the task like any exception
            if (ready) {
                value = p.value();
            }
        } catch (Throwable t) {
            poller = null;
            selfWoken = false;
            complete(new Failure(t));
            RuntimeEvents.failed(this, t);
            scheduler.taskFailed(this, t);
            return;
        }
        poller = null;
        if (t0 != 0) {
            RuntimeEvents.polled(this, System.nanoTime() - t0, ready);
        }
        if (ready) {
            selfWoken = false;
            complete(value);
            RuntimeEvents.completed(this);
            return;
        }
        switch (transitionToIdle()) {
            case IDLE -> {
            }
            case REQUEUE -> scheduler.yieldTask(this);
            case CANCEL -> cancelAndComplete();
        }
    }

    private void cancelAndComplete() {
        Future<T> f = future;
        Failure outcome = Failure.CANCELLED;
        try {
            f.cancel();
        } catch (Throwable t) {
            // cancel() must not throw; if it does, the task still ends as cancelled, with the error attached.
            outcome = new Failure(JoinException.cancelled(), t);
        }
        complete(outcome);
        RuntimeEvents.cancelled(this);
    }

    /** Stores the outcome and sets COMPLETE (rule 5). Called only by the owner of RUNNING. */
    private void complete(Object result) {
        future = null;
        outcome = result;
        int s;
        do {
            s = stateVolatile();
        } while (!casState(s, (s | COMPLETE) & ~(RUNNING | NOTIFIED)));
        scheduler.release(this);
        if ((s & JOIN_INTEREST) == 0) {
            outcome = null;
            return;
        }
        Waker w = joinWaker;
        if (w != null) {
            joinWaker = null;
            try {
                w.wake();
            } catch (Throwable t) {
                // A waker must not throw. The task is complete whatever the waker does; report, do not unwind
                // the runner (it may be a worker or a blocking thread in the middle of its loop).
                Throwables.reportUncaught(t);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Context (the task polls its future with itself as context)

    @Override
    public Waker waker() {
        return this;
    }

    // ---------------------------------------------------------------------------------------------------------
    // JoinHandle

    @Override
    public Poll<T> poll(Context cx) {
        if ((stateVolatile() & COMPLETE) != 0) {
            return readyOutcome(cx);
        }
        Waker w = cx.waker();
        Waker current = joinWaker;
        if (current == null || !current.willWake(w)) {
            joinWaker = w;
        }
        if ((stateVolatile() & COMPLETE) != 0) {
            return readyOutcome(cx);
        }
        cx.waitingOn(this); // a joiner waits on this task
        return Poll.pending();
    }

    private Poll<T> readyOutcome(Context cx) {
        if (!cx.consumeBudget()) {
            cx.waker().wake();
            return Poll.pending();
        }
        joinWaker = null; // do not keep the joiner alive through a finished task
        return Poll.ready(outcome());
    }

    /**
     * The outcome of a completed task: its value, or a thrown {@link JoinException}. Only after COMPLETE was seen.
     *
     * @return the value
     */
    @SuppressWarnings("unchecked")
    public T outcome() {
        Object o = outcome;
        if (o instanceof Failure f) {
            throw f.toJoinException();
        }
        return (T) o;
    }

    @Override
    public boolean isFinished() {
        return (stateVolatile() & COMPLETE) != 0;
    }

    @Override
    public AbortHandle abortHandle() {
        return this;
    }

    /** Detaches (rule 8). */
    @Override
    public void cancel() {
        for (; ; ) {
            int s = stateVolatile();
            if ((s & JOIN_INTEREST) == 0) {
                return;
            }
            if (casState(s, s & ~JOIN_INTEREST)) {
                joinWaker = null;
                if ((s & COMPLETE) != 0) {
                    outcome = null;
                }
                return;
            }
        }
    }

    @Override
    public String toString() {
        int s = stateVolatile();
        StringBuilder b = new StringBuilder("Task[");
        if ((s & RUNNING) != 0) b.append("RUNNING ");
        if ((s & COMPLETE) != 0) b.append("COMPLETE ");
        if ((s & NOTIFIED) != 0) b.append("NOTIFIED ");
        if ((s & CANCELLED) != 0) b.append("CANCELLED ");
        if ((s & JOIN_INTEREST) != 0) b.append("JOIN_INTEREST");
        return b.append(']').toString();
    }

    /** A failed or cancelled outcome. */
    static final class Failure {
        static final Failure CANCELLED = new Failure(null);

        private final Throwable cause;
        private final Throwable suppressed;

        Failure(Throwable cause) {
            this(cause, null);
        }

        Failure(Throwable cause, Throwable suppressed) {
            this.cause = cause;
            this.suppressed = suppressed;
        }

        JoinException toJoinException() {
            if (cause == null) {
                return JoinException.cancelled();
            }
            if (cause instanceof JoinException je && je.isCancelled()) {
                JoinException e = JoinException.cancelled();
                if (suppressed != null) {
                    e.addSuppressed(suppressed);
                }
                return e;
            }
            return JoinException.failed(cause);
        }
    }
}
