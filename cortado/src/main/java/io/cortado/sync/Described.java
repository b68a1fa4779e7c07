package io.cortado.sync;

import java.util.function.Supplier;

/**
 * What a task dump shows as waited on ({@link io.cortado.Context#waitingOn}) when the waiting future is not the
 * object to describe: the text is made only when a dump is taken, from another thread, so the supplier must read
 * only fields that are safe to read racily and must not take locks.
 */
final class Described {
    private final Supplier<String> text;

    Described(Supplier<String> text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return text.get();
    }
}
