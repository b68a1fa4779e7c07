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
 *   <li><b>Two blocks at level 0.</b> Unlike Tokio's wheel, level 0 holds the next 64-tick block as well as the
 *       current one (slot {@code d & 63}; a slot may hold entries of both, told apart by their deadline), and
 *       {@link #precascade} moves the next block's entries down from level 1 a few at a time while the current
 *       block runs. So the block boundary, which in a plain hierarchical wheel cascades every timer of the next
 *       64 ms at once (tens of thousands under load, milliseconds with the lock held), usually finds nothing to
 *       cascade. Because level 0 may then hold later deadlines than level 1's next slot, the next expiration is the
 *       minimum over all levels (rule 2's ordering holds from level 1 up).</li>
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
        // Rule 5: the next 64-tick block shares level 0 with the current one.
        int level = (when >>> BITS) == (elapsed >>> BITS) + 1 ? 0 : levelFor(elapsed, when);
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

    /** @return the tick of the next expiration (a lower bound: the earliest occupied slot's start), or -1 */
    public long nextExpiration() {
        long best = -1;
        for (int level = 0; level < LEVELS; level++) {
            long mask = occupied[level];
            if (mask == 0) {
                continue;
            }
            long slotRange = 1L << (BITS * level);
            long levelRange = slotRange << BITS;
            // Level 0's slot at elapsed has been polled (what is left there belongs to the next block), so the
            // search starts after it; a higher level's slot that starts exactly at elapsed is still to cascade.
            int from = (int) ((elapsed >>> (BITS * level)) + (level == 0 ? 1 : 0)) & (SLOTS - 1);
            int slot = (Long.numberOfTrailingZeros(Long.rotateRight(mask, from)) + from) & (SLOTS - 1);
            long deadline = (elapsed & ~(levelRange - 1)) + slot * slotRange;
            if (level == 0 ? deadline <= elapsed : deadline < elapsed) {
                deadline += levelRange; // a slot behind the current one: its next turn, one rotation on (rule 2)
            }
            // Rule 5: level 0 may hold the next block, so take the minimum; on a tie the lower level goes first, so
            // level 0's slot at a tick is polled before a higher slot starting at that tick cascades.
            if (best < 0 || deadline < best) {
                best = deadline;
                expLevel = level;
                expSlot = slot;
            }
        }
        return best;
    }

    /**
     * Rule 5: moves up to {@code budget} entries of the next 64-tick block from level 1 into level 0 ahead of time,
     * so the block boundary does not have to cascade them all at once.
     *
     * @return how many moved
     */
    public int precascade(int budget) {
        long nextBlock = (elapsed >>> BITS) + 1;
        int slot = (int) (nextBlock & (SLOTS - 1));
        if (slot == 0) {
            return 0; // the next block starts a new level-2 slot: its entries sit higher up; the boundary cascades them
        }
        int moved = 0;
        TimerEntry e;
        while (moved < budget && (e = heads[1][slot]) != null) {
            remove(e);
            if (!insert(e)) {
                throw new IllegalStateException("a pre-cascaded entry was due: " + e.deadlineTick);
            }
            moved++;
        }
        return moved;
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
