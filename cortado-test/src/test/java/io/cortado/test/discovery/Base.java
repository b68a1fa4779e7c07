package io.cortado.test.discovery;

import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.test.CortadoTest;
import io.cortado.test.Fixture;

/** Abstract: not a test class itself; its subclasses inherit {@link #inherited()}. */
public abstract class Base extends Fixture {
    @CortadoTest
    Future<String> inherited() {
        return Futures.ready(getClass().getSimpleName());
    }
}
