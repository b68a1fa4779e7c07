package io.cortado.internal;

import io.cortado.Handle;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/** Where runtime choices that should look random get their randomness (e.g. which branch a select polls first). */
public final class Randoms {
    private Randoms() {
    }

    /**
     * @return the seeded generator of the deterministic runtime running this thread, so a simulation replays the
     * same choices; otherwise the thread's own generator
     */
    public static RandomGenerator current() {
        Handle h = RuntimeContext.currentOrNull();
        if (h != null) {
            RandomGenerator r = HandleAccess.core(h).random();
            if (r != null) {
                return r;
            }
        }
        return ThreadLocalRandom.current();
    }
}
