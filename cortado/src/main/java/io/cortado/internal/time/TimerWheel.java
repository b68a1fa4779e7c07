package io.cortado.internal.time;

/**
 * A hierarchical timing wheel (Tokio's design): {@value #LEVELS} levels of {@value #SLOTS} slots, 1 tick (1 ms) per
 * slot at level 0, 64 ticks per slot at level 1, and so on, so deadlines up to about 2.2 years away are filed in
 * O(1). Not thread-safe: {@link TimeDriver} guards it with its lock.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>{@code elapsed} is the tick the wheel has processed up to; it only grows. Every filed entry has a deadline
 *       greater than {@code elapsed}; an entry whose deadline has already passed is not filed (the caller fires it).</li>
 *   <li>An entry with deadline {@code d} is filed at the level of the highest 6-bit group in which {@code d} and
 *       {@code elapsed} differ, in slot {@code (d >> 6·level) & 63}. So every entry at level {@code L} expires after
 *       every entry at a lower level, and the earliest occupied slot of the lowest occupied level holds the next
 *       expiration.</li>
 *   <li>Each level keeps a 64-bit occupancy mask, so finding the next occupied slot is a rotate and a
 *       count-trailing-zeros.</li>
 *   <li>{@link #poll} takes the next expired slot whole; entries in it whose deadline is still ahead (a slot above
 *       level 0 covers many ticks) are filed again, lower down (cascading). An entry is in at most one slot; removing
 *       it unlinks it in O(1).</li>
 * </ol>
 * Guarded by {@code TimerWheelTest} (ordering of many random deadlines, cascading across every level, removal).
 */
public final class TimerWheel {
    static final int LEVELS = 6;
    static final int SLOTS = 64;
    private static final int BITS = 6;
    /** The largest deadline distance the wheel can file; farther deadlines are clamped to it. */
    public static final long MAX_TICKS = (1L << (BITS * LEVELS)) - 1;

    private final TimerEntry[][] heads = new TimerEntry[LEVELS][SLOTS];
    private final long[] occupied = new long[LEVELS];
    private long elapsed;
    private int size;
    /** Where {@link #nextExpiration()} found the next expiration. */
    private int expLevel;
    private int expSlot;

    /** @return the tick processed up to (rule 1) */
    public long elapsed() {
        return elapsed;
    }

    /** @return the number of filed entries */
    public int size() {
        return size;
    }

    /**
     * Files an entry (rules 1, 2).
     *
     * @return {@code false} if its deadline is not after {@link #elapsed()}: it was not filed and is due now
     */
    public boolean insert(TimerEntry e) {
        long when = e.deadlineTick;
        if (when <= elapsed) {
            return false;
        }
        if (when - elapsed > MAX_TICKS) {
            when = elapsed + MAX_TICKS;
            e.deadlineTick = when;
        }
        int level = levelFor(elapsed, when);
        int slot = (int) ((when >>> (BITS * level)) & (SLOTS - 1));
        e.level = level;
        e.slot = slot;
        TimerEntry head = heads[level][slot];
        e.prev = null;
        e.next = head;
        if (head != null) {
            head.prev = e;
        }
        heads[level][slot] = e;
        occupied[level] |= 1L << slot;
        e.filed = true;
        size++;
        return true;
    }

    /** Unlinks a filed entry (rule 4); an entry that is not filed is ignored. */
    public void remove(TimerEntry e) {
        if (!e.filed) {
            return;
        }
        if (e.prev != null) {
            e.prev.next = e.next;
        } else {
            heads[e.level][e.slot] = e.next;
            if (e.next == null) {
                occupied[e.level] &= ~(1L << e.slot);
            }
        }
        if (e.next != null) {
            e.next.prev = e.prev;
        }
        e.prev = null;
        e.next = null;
        e.filed = false;
        size--;
    }

    /** @return the tick of the next expiration (the start of the earliest occupied slot), or -1 if empty */
    public long nextExpiration() {
        for (int level = 0; level < LEVELS; level++) {
            long mask = occupied[level];
            if (mask == 0) {
                continue;
            }
            long slotRange = 1L << (BITS * level);
            long levelRange = slotRange << BITS;
            int now = (int) ((elapsed >>> (BITS * level)) & (SLOTS - 1));
            int slot = (Long.numberOfTrailingZeros(Long.rotateRight(mask, now)) + now) & (SLOTS - 1);
            long deadline = (elapsed & ~(levelRange - 1)) + slot * slotRange;
            if (deadline <= elapsed) {
                deadline += levelRange; // a slot behind the current one: its next turn, one rotation on (rule 2)
            }
            expLevel = level;
            expSlot = slot;
            return deadline;
        }
        return -1;
    }

    /**
     * Advances to {@code now} and returns the chain of entries due at or before it, oldest slot first; entries of a
     * processed slot that are not yet due are filed again (rule 4). Returns {@code null} when nothing is due; call
     * again until it does, since one call takes one slot.
     *
     * @param now the current tick
     */
    public TimerEntry poll(long now) {
        for (; ; ) {
            long next = nextExpiration();
            if (next < 0 || next > now) {
                if (now > elapsed) {
                    elapsed = now;
                }
                return null;
            }
            if (next > elapsed) {
                elapsed = next;
            }
            // One walk over the slot (its entries are cold: each is a cache miss): unfile each, and either hand it
            // out as due or file it again lower down.
            TimerEntry e = heads[expLevel][expSlot];
            heads[expLevel][expSlot] = null;
            occupied[expLevel] &= ~(1L << expSlot);
            TimerEntry due = null;
            while (e != null) {
                TimerEntry following = e.next;
                e.filed = false;
                size--;
                e.next = null;
                e.prev = null;
                if (e.deadlineTick <= now) {
                    e.next = due;
                    due = e;
                } else {
                    insertAfterCascade(e, now);
                }
                e = following;
            }
            if (due != null) {
                return due;
            }
        }
    }

    private void insertAfterCascade(TimerEntry e, long now) {
        if (!insert(e)) {
            throw new IllegalStateException("a cascaded entry was due: " + e.deadlineTick + " <= " + elapsed
                    + " (now " + now + ")");
        }
    }

    private static int levelFor(long elapsed, long when) {
        long masked = (elapsed ^ when) | (SLOTS - 1);
        int significant = 63 - Long.numberOfLeadingZeros(masked);
        return Math.min(significant / BITS, LEVELS - 1);
    }
}
