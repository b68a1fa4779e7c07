package io.cortado.io;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.stream.Stream;

import java.util.Objects;

/**
 * A byte stream seen as a stream of frames in both directions (Tokio's {@code Framed}): {@link #pollNext} /
 * {@link #next()} decode incoming frames, {@link #send} encodes outgoing ones. For a reader task and a writer task,
 * split the byte stream first and use {@link BufReader#frames} and {@link FramedWrite} on the halves.
 *
 * <pre>{@code
 * Framed<String, TcpStream> lines = Framed.of(stream, new LinesCodec(1024));
 * String request = await(lines.next());        // null when the peer closed
 * await(lines.send("OK " + request));
 * }</pre>
 *
 * @param <T> the frame type
 * @param <S> the byte stream
 */
public final class Framed<T, S extends AsyncRead & AsyncWrite> implements Stream<T> {
    private final S io;
    private final BufReader reader;
    private final Decoder<? extends T> decoder;
    private final FramedWrite<T> writer;

    private Framed(S io, Decoder<? extends T> decoder, Encoder<? super T> encoder, FrameBudget budget) {
        this.io = io;
        this.reader = new BufReader(io, BufReader.DEFAULT_CAPACITY, budget);
        this.decoder = decoder;
        this.writer = new FramedWrite<>(io, encoder);
    }

    /** @return a framed view of {@code io} through {@code codec} */
    public static <T, S extends AsyncRead & AsyncWrite> Framed<T, S> of(S io, Codec<T> codec) {
        Objects.requireNonNull(io, "io");
        Objects.requireNonNull(codec, "codec");
        return new Framed<>(io, codec, codec, null);
    }

    /**
     * A framed view whose partially received frames are paid from {@code budget} (see {@link FrameBudget}: share one
     * among the connections of a listener, so that peers announcing huge frames cannot exhaust the heap together).
     *
     * @return a framed view of {@code io} through {@code codec}
     */
    public static <T, S extends AsyncRead & AsyncWrite> Framed<T, S> of(S io, Codec<T> codec, FrameBudget budget) {
        Objects.requireNonNull(io, "io");
        Objects.requireNonNull(codec, "codec");
        return new Framed<>(io, codec, codec, Objects.requireNonNull(budget, "budget"));
    }

    /** @return a framed view of {@code io} with separate decoder and encoder */
    public static <T, S extends AsyncRead & AsyncWrite> Framed<T, S> of(S io, Decoder<? extends T> decoder,
                                                                         Encoder<? super T> encoder) {
        Objects.requireNonNull(io, "io");
        return new Framed<>(io, Objects.requireNonNull(decoder, "decoder"), Objects.requireNonNull(encoder, "encoder"),
                null);
    }

    /** @return the underlying byte stream */
    public S io() {
        return io;
    }

    /**
     * The next incoming frame; {@code Ready(null)} when the peer ended the stream cleanly.
     *
     * <p><b>Cancel safety:</b> cancel-safe: partial frames stay buffered.
     *
     * @throws java.io.UncheckedIOException caused by a {@link FrameTooLongException} for an oversized frame, an
     *                                      {@link java.io.EOFException} if the peer ended in mid-frame, a
     *                                      {@link FrameBudgetExceededException}, or an I/O error
     */
    @Override
    public Poll<T> pollNext(Context cx) {
        return reader.pollFrame(cx, decoder);
    }

    /** See {@link FramedWrite#send}: encoded at once, so a cancelled send never writes half a frame. */
    public Future<Void> send(T frame) {
        return writer.send(frame);
    }

    /** See {@link FramedWrite#feed}. */
    public void feed(T frame) {
        writer.feed(frame);
    }

    /** See {@link FramedWrite#flush()}. */
    public Future<Void> flush() {
        return writer.flush();
    }

    /** See {@link BufReader#release()}: drops a partially received frame and returns its share of the budget. */
    public void release() {
        reader.release();
    }

    /** Flushes and shuts down the write direction; see {@link FramedWrite#close()}. */
    public Future<Void> shutdown() {
        return writer.close();
    }
}
