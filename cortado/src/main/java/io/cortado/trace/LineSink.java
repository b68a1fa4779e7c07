package io.cortado.trace;

import java.io.Flushable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where a text subscriber writes its lines: each {@link #write} delivers one whole line, and calls never overlap
 * (they are serialised on a private lock), so concurrent events never interleave within a line.
 */
final class LineSink {
    private final Object lock = new Object();
    private final Consumer<String> out;

    private LineSink(Consumer<String> out) {
        this.out = out;
    }

    /** Lines (without terminator) handed to {@code consumer}, one call per line, never concurrently. */
    static LineSink of(Consumer<String> consumer) {
        return new LineSink(Objects.requireNonNull(consumer, "consumer"));
    }

    /** Lines printed with {@code println} (one call, so atomic even against other users of the stream). */
    static LineSink of(PrintStream stream) {
        Objects.requireNonNull(stream, "stream");
        return new LineSink(stream::println);
    }

    /** Lines appended with a {@code '\n'} terminator in one call; flushed after each line if {@link Flushable}. */
    static LineSink of(Appendable appendable) {
        Objects.requireNonNull(appendable, "appendable");
        if (appendable instanceof PrintStream ps) {
            return of(ps);
        }
        return new LineSink(line -> {
            try {
                appendable.append(line + "\n");
                if (appendable instanceof Flushable f) {
                    f.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** @see #of(Appendable) */
    static LineSink of(Writer writer) {
        return of((Appendable) writer);
    }

    /**
     * Writes one line. An {@link UncheckedIOException} from the output is swallowed (and reported once on
     * {@code System.err}): a subscriber must not throw into the code that produced the event.
     */
    void write(String line) {
        synchronized (lock) {
            try {
                out.accept(line);
            } catch (UncheckedIOException e) {
                if (!failed) {
                    failed = true;
                    System.err.println("cortado trace: cannot write to the subscriber's output: " + e.getCause());
                }
            }
        }
    }

    private boolean failed;
}
