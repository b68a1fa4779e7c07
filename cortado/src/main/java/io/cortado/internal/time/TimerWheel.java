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
 *       current one, in two rows by the parity of the block number (slot {@code d & 63}), and
 *       {@link #precascade} moves the next block's entries down from level 1 a few at a time while the current
 *       block runs. So the block boundary, which in a plain hierarchical wheel cascades every timer of the next
 *       64 ms at once (tens of thousands under load, milliseconds with the lock held), usually finds nothing to
 *       cascade. Because level 0 may then hold later deadlines than level 1's next slot, the next expiration is the
 *       minimum over all levels (rule 2's ordering holds from level 1 up).</li>
 * </ol>
 * Guarded by {@code TimerWheelTest} (ordering of many random deadlines, cascading across every level, removal) and,
 * under the driver's lock with concurrent callers, {@code TimeDriverLincheckTest}.
 */
public final class TimerWheel {
    static final int LEVELS = 6;
    static final int SLOTS = 64;
    private static final int BITS = 6;
    /** The largest deadline distance the wheel can file directly; farther ones are filed there and again later. */
    public static final long MAX_TICKS = (1L << (BITS * LEVELS)) - 1;

    /**
     * Rows of slots: row {@code L} (1..5) is level {@code L}; level 0 has two rows, {@link #EVEN} and {@link #ODD},
     * for the 64-tick blocks of even and odd number (rule 5), so the current block and the next never share a slot.
     */
    private final TimerEntry[][] heads = new TimerEntry[LEVELS + 1][SLOTS];
    private final long[] occupied = new long[LEVELS + 1];
    static final int EVEN = 0;
    static final int ODD = LEVELS;
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
        long deadline = e.deadlineTick;
        if (deadline <= elapsed) {
            return false;
        }
        // A deadline beyond the wheel's reach is filed at the farthest slot and filed again when that slot comes
        // up (poll re-files what is not due); its deadline itself is kept, so it never fires early.
        long when = deadline - elapsed > MAX_TICKS ? elapsed + MAX_TICKS : deadline;
        long block = when >>> BITS;
        int level;
        int slot;
        if (block - (elapsed >>> BITS) <= 1) { // rule 5: the current block or the next one: level 0, by parity
            level = rowOf(block);
            slot = (int) (when & (SLOTS - 1));
        } else {
            level = levelFor(elapsed, when);
            slot = (int) ((when >>> (BITS * level)) & (SLOTS - 1));
        }
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

    private static int rowOf(long block) {
        return (block & 1) == 0 ? EVEN : ODD;
    }

    /** @return whether {@code e} is filed at level 0 (either block row) */
    static boolean atLevelZero(TimerEntry e) {
        return e.filed && (e.level == EVEN || e.level == ODD);
    }

    /** @return the tick of the next expiration (a lower bound: the earliest occupied slot's start), or -1 */
    public long nextExpiration() {
        long best = -1;
        long block = elapsed >>> BITS;
        long blockStart = block << BITS;
        // Level 0, current block: only slots after elapsed's own (that one has been polled).
        int cur = rowOf(block);
        int cursor = (int) (elapsed & (SLOTS - 1));
        long ahead = cursor == SLOTS - 1 ? 0 : occupied[cur] & (-1L << (cursor + 1));
        if (ahead != 0) {
            best = blockStart + Long.numberOfTrailingZeros(ahead);
            expLevel = cur;
            expSlot = Long.numberOfTrailingZeros(ahead);
        }
        // Level 0, next block.
        int nxt = rowOf(block + 1);
        if (best < 0 && occupied[nxt] != 0) {
            best = blockStart + SLOTS + Long.numberOfTrailingZeros(occupied[nxt]);
            expLevel = nxt;
            expSlot = Long.numberOfTrailingZeros(occupied[nxt]);
        }
        for (int level = 1; level < LEVELS; level++) {
            long mask = occupied[level];
            if (mask == 0) {
                continue;
            }
            long slotRange = 1L << (BITS * level);
            long levelRange = slotRange << BITS;
            int from = (int) (elapsed >>> (BITS * level)) & (SLOTS - 1);
            int slot = (Long.numberOfTrailingZeros(Long.rotateRight(mask, from)) + from) & (SLOTS - 1);
            long deadline = (elapsed & ~(levelRange - 1)) + slot * slotRange;
            if (deadline < elapsed) {
                deadline += levelRange; // a slot behind the current one: its next turn, one rotation on (rule 2)
            }
            // A slot starting exactly at elapsed is still to cascade. On a tie level 0 goes first, so its slot at a
            // tick is polled before a higher slot starting at that tick cascades.
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

    /** Tokio's level for a deadline at least two blocks away: the highest 6-bit group that differs (at least 1). */
    private static int levelFor(long elapsed, long when) {
        long masked = (elapsed ^ when) | (SLOTS - 1);
        int significant = 63 - Long.numberOfLeadingZeros(masked);
        return Math.max(1, Math.min(significant / BITS, LEVELS - 1));
    }
}
