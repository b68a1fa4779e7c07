package io.cortado.internal.time;

import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TimeDriver} on a paused clock: firing, re-registration from inside a firing, far deadlines. */
class TimeDriverTest extends RuntimeTestBase {
    private static final long MS = 1_000_000L;

    private static final class Recorded extends TimerEntry {
        final String name;
        final List<String> log;
        Runnable onFire = () -> { };

        Recorded(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        protected void fire() {
            log.add(name);
            onFire.run();
        }
    }

    @Test
    void anEntryRegisteredAgainWhileItsBatchFiresCorruptsNothing() {
        TimeDriver d = new TimeDriver(true);
        List<String> log = new ArrayList<>();
        Recorded x = new Recorded("x", log);
        Recorded e = new Recorded("e", log);
        Recorded w = new Recorded("w", log);
        d.register(x, 10 * MS);
        d.register(e, 10 * MS); // same tick as x: same batch
        d.register(w, 50 * MS); // the slot e moves into
        // x's owner moves e while the batch that holds e is being fired (the race the lock must not allow)
        x.onFire = () -> d.register(e, 50 * MS);
        d.advance(Duration.ofMillis(10));
        int afterFirst = log.size(); // x, and e at most as a spurious wake (allowed: waking is idempotent)
        assertTrue(log.getFirst().equals("x") && afterFirst <= 2, String.valueOf(log));
        d.advance(Duration.ofMillis(40));
        List<String> later = log.subList(afterFirst, log.size());
        assertEquals(1, later.stream().filter("w"::equals).count(), "w, in the slot e moved into, fires: " + log);
        assertEquals(1, later.stream().filter("e"::equals).count(), "e fires at its new deadline: " + log);
        assertEquals(0, d.size(), "nothing lost in the wheel, nothing left over");
    }

    @Test
    void aDeadlineBeyondTheWheelsReachNeverFiresEarly() {
        TimeDriver d = new TimeDriver(true);
        List<String> log = new ArrayList<>();
        Recorded far = new Recorded("far", log);
        long deadline = Duration.ofDays(1000).toNanos();
        d.register(far, deadline);
        for (int i = 0; i < 20 && log.isEmpty(); i++) {
            d.autoAdvance(); // jumps to the next expiration each time
        }
        assertEquals(List.of("far"), log);
        assertTrue(d.nanos() >= deadline, "fired at " + Duration.ofNanos(d.nanos()).toDays() + " days, not before 1000");
    }
}
