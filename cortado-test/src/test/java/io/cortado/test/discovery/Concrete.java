package io.cortado.test.discovery;

import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.test.CortadoTest;

/** Two tests: its own and the inherited one; its inner class is no test class. */
public class Concrete extends Base {
    @CortadoTest
    Future<Void> own() {
        return Futures.ready(null);
    }

    /** Not static: not a test class (like Jupiter without {@code @Nested}). */
    public class Inner {
        @CortadoTest
        Future<Void> notRun() {
            return Futures.failed(new AssertionError("an inner class was run"));
        }
    }
}
