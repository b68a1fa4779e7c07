package io.cortado.async;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Poll;
import io.cortado.stream.Stream;
import io.cortado.stream.Streams;

import java.util.Objects;

/**
 * Async methods: plain Java methods that {@code await} futures, compiled into {@code Future} state machines the way
 * Rust compiles {@code async fn}.
 *
 * <pre>{@code
 * import static io.cortado.async.Async.await;
 *
 * Future<Integer> echo(TcpStream s) {                  // returns at once; nothing runs until polled
 *     var buf = ByteBuffer.allocate(64);
 *     int total = 0;
 *     while (true) {
 *         int n = await(s.read(buf.clear()));            // suspends here until the read completes
 *         if (n < 0) break;
 *         await(s.writeAll(buf.flip()));
 *         total += n;
 *     }
 *     return Async.done(total);
 * }
 * }</pre>
 *
 * <h2>What is an async method</h2>
 * A method that returns {@link Future} and calls {@link #await} (no marker needed). Its {@code return} takes any
 * future: the method's future completes as that one does ({@link #done} makes one of a value). A method that
 * returns {@link Stream} and calls {@link #yield} is an <b>async generator</b>: each {@code yield} hands the
 * consumer one item, and its {@code return} takes the stream of the remaining items ({@link #end} for none).
 * {@link #fn} makes a future of an async lambda.
 *
 * <h2>How it is compiled</h2>
 * {@code cortado-async-compiler} rewrites the compiled classes, either in the build (the Maven plugin's
 * {@code transform} goal, bound to {@code process-classes}) or when they are loaded ({@code -javaagent}). Each async
 * method becomes a call that allocates one frame object (the method's locals, and the operand stack at each
 * {@code await}, live in its fields); the body moves into a static method of the same name in the same class, so
 * stack traces show the user's class, method and line. An {@code await} of a future that is already ready
 * continues at once, without returning {@code Pending} and without allocating.
 *
 * <h2>Failures and checked exceptions</h2>
 * A failed awaited future throws its exception at the {@code await}, so {@code catch} blocks around it see it.
 * Cortado's I/O futures fail with {@link java.io.UncheckedIOException}; to catch the checked {@link
 * java.io.IOException} inside, await with the exception type: {@code int n = await(s.read(buf), IOException.class);}
 * declares {@code throws IOException}, and rethrows a failure that is (or is caused by) an {@code IOException} as
 * that exception. An async method (or {@link #fn} lambda) that throws a checked exception fails its future with a
 * {@link java.util.concurrent.CompletionException} around it, as futures fail; awaiting it with the type unwraps it
 * again, so {@code catch (IOException e)} works across async methods too.
 *
 * <h2>Cancellation</h2>
 * Cancelling the method's future cancels the future it is awaiting, then runs the method's {@code finally} blocks
 * and closes its try-with-resources, as if the {@code await} had thrown a
 * {@link java.util.concurrent.CancellationException}; an {@code await} reached while cancelling fails the same way
 * at once.
 *
 * <h2>Not compiled?</h2>
 * Called in code that was not compiled, {@link #await} and {@link #yield} throw an {@link IllegalStateException}
 * naming the method and saying how to enable the plugin or the agent.
 */
public final class Async {
    private Async() {
    }

    /**
     * Waits for {@code future} inside an async method and gives its value.
     *
     * <p><b>Cancel safety:</b> that of the awaited future (cancelling the async method cancels it).
     *
     * @return the future's value
     * @throws IllegalStateException when the calling method was not compiled (see the class comment)
     */
    public static <T> T await(Future<T> future) {
        Objects.requireNonNull(future, "future");
        throw NotCompiled.error("Async.await");
    }

    /**
     * Waits for {@code future}, rethrowing a failure that is, or is caused by, a {@code failure} as that exception,
     * so {@code catch (IOException e)} works around an awaited read.
     *
     * @param failure the checked exception type to surface
     * @return the future's value
     * @throws X the failure, unwrapped
     */
    public static <T, X extends Throwable> T await(Future<T> future, Class<X> failure) throws X {
        Objects.requireNonNull(future, "future");
        Objects.requireNonNull(failure, "failure");
        throw NotCompiled.error("Async.await");
    }

    /**
     * @param value the value
     * @return a future that is ready with {@code value}: what an async method returns to complete with a value
     */
    public static <T> Future<T> done(T value) {
        return Futures.ready(value);
    }

    /**
     * Makes a future of an async lambda: {@code Task.spawn(Async.fn(() -> { ... await(x) ...; return v; }))}. Lazy:
     * the body starts when the future is first polled.
     *
     * @param body the lambda (compiled into a state machine when it is a lambda written at the call)
     * @return the future of the body's value
     */
    public static <T> Future<T> fn(AsyncBody<T> body) {
        Objects.requireNonNull(body, "body");
        return new Future<>() {
            @Override
            public Poll<T> poll(Context cx) {
                try {
                    return Poll.ready(body.run()); // not compiled: any await inside throws
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }
        };
    }

    /**
     * Hands one item to the consumer of an async generator (a method returning {@link Stream}); the generator
     * resumes after this call when the consumer asks for the next item.
     *
     * @param item the item, not {@code null} (a stream's {@code null} means its end)
     * @throws IllegalStateException when the calling method was not compiled
     */
    public static <T> void yield(T item) {
        Objects.requireNonNull(item, "item");
        throw NotCompiled.error("Async.yield");
    }

    /** @return the empty stream: what an async generator returns when it has no more items */
    public static <T> Stream<T> end() {
        return Streams.empty();
    }
}
