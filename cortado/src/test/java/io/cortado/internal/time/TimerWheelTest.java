package io.cortado.internal.time;

import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TimerWheel}: every entry fires at its tick, never early, in order, across every level; removal is O(1). */
class TimerWheelTest extends RuntimeTestBase {

    private static final class E extends TimerEntry {
        long firedAt = -1;

        E(long deadline) {
            deadlineTick = deadline;
        }

        @Override
        protected void fire() {
        }
    }

    /** Advances tick by tick (or by jumps) and records when each entry comes out. */
    private static List<E> drain(TimerWheel w, long until, long step) {
        List<E> out = new ArrayList<>();
        for (long now = w.elapsed(); now <= until; now += step) {
            TimerEntry chain;
            while ((chain = w.poll(now)) != null) {
                for (TimerEntry e = chain; e != null; ) {
                    TimerEntry next = e.next;
                    e.next = null;
                    ((E) e).firedAt = now;
                    out.add((E) e);
                    e = next;
                }
            }
        }
        return out;
    }

    @Test
    void randomDeadlinesOnEveryLevelFireAtTheirTickInOrder() {
        SplittableRandom rnd = new SplittableRandom(42);
        TimerWheel w = new TimerWheel();
        List<E> all = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            // spread over levels 0..3 (up to 64^4 ticks) with many on the same tick
            long d = 1 + switch (i % 4) {
                case 0 -> rnd.nextLong(64);
                case 1 -> rnd.nextLong(4_096);
                case 2 -> rnd.nextLong(262_144);
                default -> rnd.nextLong(3_000_000);
            };
            E e = new E(d);
            assertTrue(w.insert(e));
            all.add(e);
        }
        assertEquals(20_000, w.size());
        List<E> out = drain(w, 3_000_001, 1);
        assertEquals(20_000, out.size());
        assertEquals(0, w.size());
        long last = 0;
        for (E e : out) {
            assertEquals(e.deadlineTick, e.firedAt, "fires exactly at its tick when polled every tick");
            assertTrue(e.firedAt >= last, "in order");
            last = e.firedAt;
        }
    }

    @Test
    void nextBlockSharesLevelZeroAndPrecascadingKeepsEveryTickExact() {
        SplittableRandom rnd = new SplittableRandom(11);
        TimerWheel w = new TimerWheel();
        int n = 20_000;
        List<E> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            E e = new E(1 + rnd.nextLong(20_000));
            w.insert(e);
            all.add(e);
        }
        assertTrue(all.stream().filter(e -> e.deadlineTick >= 64 && e.deadlineTick < 128).allMatch(TimerWheel::atLevelZero),
                "the next block is filed at level 0 (rule 5)");
        List<E> out = new ArrayList<>();
        for (long now = 0; now <= 20_400; now++) {
            if (now % 7 == 0) {
                w.precascade(3); // a few at a time, as the driver does
            }
            if (now % 500 == 0 && now <= 20_000) { // and timers keep arriving relative to the moving elapsed
                E late = new E(now + 1 + rnd.nextLong(300));
                w.insert(late);
                all.add(late);
            }
            TimerEntry chain;
            while ((chain = w.poll(now)) != null) {
                for (TimerEntry e = chain; e != null; ) {
                    TimerEntry next = e.next;
                    e.next = null;
                    ((E) e).firedAt = now;
                    out.add((E) e);
                    e = next;
                }
            }
        }
        assertEquals(all.size(), out.size());
        for (E e : all) {
            assertEquals(e.deadlineTick, e.firedAt, "fires exactly at its tick");
        }
    }

    @Test
    void precascadeEmptiesTheNextBlocksLevelOneSlot() {
        TimerWheel w = new TimerWheel();
        List<E> es = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            E e = new E(128 + i % 64); // block 2: level 1 while elapsed is in block 0
            w.insert(e);
            es.add(e);
        }
        assertTrue(es.stream().allMatch(e -> e.level == 1));
        drain(w, 64, 64); // elapsed enters block 1: block 2 is next
        int moved = 0;
        while (w.precascade(100) > 0) {
            moved++;
        }
        assertEquals(10, moved, "moved 100 at a time");
        assertTrue(es.stream().allMatch(TimerWheel::atLevelZero), "all of the next block now sits at level 0");
        List<E> out = drain(w, 200, 1);
        assertEquals(1_000, out.size());
        out.forEach(e -> assertEquals(e.deadlineTick, e.firedAt));
    }

    @Test
    void pollingInJumpsNeverFiresEarlyAndLosesNothing() {
        SplittableRandom rnd = new SplittableRandom(7);
        TimerWheel w = new TimerWheel();
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            w.insert(new E(1 + rnd.nextLong(1_000_000)));
        }
        List<E> out = drain(w, 1_000_000 + 997, 997);
        assertEquals(n, out.size());
        for (E e : out) {
            assertTrue(e.firedAt >= e.deadlineTick, "never early");
            assertTrue(e.firedAt - e.deadlineTick < 997, "at the first poll at or after the deadline");
        }
    }

    @Test
    void removedEntriesNeverFireAndAMillionInsertRemovePairsLeaveItEmpty() {
        TimerWheel w = new TimerWheel();
        SplittableRandom rnd = new SplittableRandom(1);
        List<E> keep = new ArrayList<>();
        for (int i = 0; i < 1_000_000; i++) {
            E e = new E(1 + rnd.nextLong(100_000_000));
            w.insert(e);
            if (i % 100_000 == 0) {
                keep.add(e);
            } else {
                w.remove(e);
                w.remove(e); // idempotent
            }
        }
        assertEquals(keep.size(), w.size());
        for (E e : keep) {
            w.remove(e);
        }
        assertEquals(0, w.size());
        assertEquals(-1, w.nextExpiration());
        assertNull(w.poll(200_000_000));
    }

    @Test
    void pastDeadlinesAreNotFiledAndFarOnesAreClamped() {
        TimerWheel w = new TimerWheel();
        drain(w, 100, 100);
        assertFalse(w.insert(new E(100)), "not after elapsed: due now");
        long farDeadline = 100 + TimerWheel.MAX_TICKS + 5_000;
        E far = new E(farDeadline);
        assertTrue(w.insert(far));
        assertEquals(farDeadline, far.deadlineTick, "a deadline beyond the wheel's reach is kept");
        assertNull(w.poll(100 + TimerWheel.MAX_TICKS), "and does not fire at the farthest slot");
        assertEquals(1, w.size(), "it was filed again");
        TimerEntry due = w.poll(farDeadline);
        assertTrue(due == far, "it fires at its own deadline");
    }
}
