package io.cortado.internal.time;

/**
 * A node of the {@link TimerWheel}: a deadline and intrusive links. The links, {@code level}, {@code slot} and
 * {@code filed} are guarded by the lock of the {@link TimeDriver} owning the wheel.
 */
public abstract class TimerEntry {
    /** The deadline in driver ticks (milliseconds since the driver started). Written under the driver lock. */
    long deadlineTick;
    TimerEntry prev;
    TimerEntry next;
    int level;
    int slot;
    boolean filed;
    /** Due and taken out of the wheel, waiting in the driver's pending list to be fired (links reused). */
    boolean pending;
    /**
     * Set under the driver lock when the deadline has passed (and cleared when the entry is registered again), so
     * a re-registration racing with a firing cannot be completed by the old deadline. Read without the lock.
     */
    private volatile boolean fired;

    /** @return whether the deadline passed since the entry was last registered */
    public final boolean isFired() {
        return fired;
    }

    final void setFired(boolean value) {
        fired = value;
    }

    /** Called by the driver, outside its lock, after it set {@link #isFired()}: wake the waiter. Must not block. */
    protected abstract void fire();
}
