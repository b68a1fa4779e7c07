package io.cortado.test.discovery;

import io.cortado.Future;
import io.cortado.Futures;

/** No {@code @CortadoTest} method: the engine leaves it alone, even though a method returns a Future. */
public class NotATest {
    Future<Void> returnsAFuture() {
        return Futures.failed(new AssertionError("an unannotated method was run"));
    }
}
