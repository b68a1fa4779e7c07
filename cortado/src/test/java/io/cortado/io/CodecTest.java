package io.cortado.io;

import io.cortado.Context;
import io.cortado.Poll;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BufReader}, {@link BufWriter}, {@link LinesCodec}, {@link LengthDelimitedCodec}, {@link Framed} and
 * {@link Io#copy} against scripted in-memory byte streams: frames split at every byte boundary, oversized frames,
 * ends in mid-frame.
 */
class CodecTest extends RuntimeTestBase {

    /** Delivers its chunks one per poll, each after a Pending, then the end (or a failure). */
    static final class Script implements AsyncRead {
        private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
        private byte[] current;
        private int at;
        private boolean pendingNext = true;
        int pendings;

        Script(List<byte[]> chunks) {
            for (byte[] c : chunks) {
                if (c.length > 0) { // a read returns 0 only into a full buffer
                    this.chunks.add(c);
                }
            }
        }

        @Override
        public int pollRead(Context cx, ByteBuffer dst) {
            if (current == null || at == current.length) {
                if (pendingNext) { // every chunk arrives in a later poll, as from a socket
                    pendingNext = false;
                    pendings++;
                    cx.waker().wake();
                    return PENDING;
                }
                current = chunks.poll();
                at = 0;
                pendingNext = true;
                if (current == null) {
                    return EOF;
                }
            }
            int n = Math.min(dst.remaining(), current.length - at);
            dst.put(current, at, n);
            at += n;
            return n;
        }
    }

    /** Collects what is written; accepts at most {@code perCall} bytes per call and says Pending every other call. */
    static final class Sink implements AsyncWrite {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final int perCall;
        private boolean pendingNext;
        int flushes;
        boolean shutDown;

        Sink(int perCall) {
            this.perCall = perCall;
        }

        @Override
        public int pollWrite(Context cx, ByteBuffer src) {
            if (pendingNext = !pendingNext) {
                cx.waker().wake();
                return AsyncRead.PENDING;
            }
            int n = Math.min(perCall, src.remaining());
            byte[] b = new byte[n];
            src.get(b);
            out.writeBytes(b);
            return n;
        }

        @Override
        public int pollFlush(Context cx) {
            flushes++;
            return 0;
        }

        @Override
        public int pollShutdown(Context cx) {
            shutDown = true;
            return 0;
        }
    }

    private static <T> T drive(io.cortado.Future<T> f) {
        TestWaker w = new TestWaker();
        for (int i = 0; i < 1_000_000; i++) {
            Poll<T> p = f.poll(Context.of(w));
            if (p.isReady()) {
                return p.value();
            }
        }
        throw new AssertionError("did not complete");
    }

    private static <T> List<T> all(io.cortado.stream.Stream<T> s) {
        List<T> out = new ArrayList<>();
        for (T item; (item = drive(s.next())) != null; ) {
            out.add(item);
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> splitAt(byte[] all, int... cuts) {
        List<byte[]> parts = new ArrayList<>();
        int from = 0;
        for (int c : cuts) {
            parts.add(java.util.Arrays.copyOfRange(all, from, c));
            from = c;
        }
        parts.add(java.util.Arrays.copyOfRange(all, from, all.length));
        return parts;
    }

    @Test
    void linesSplitAtEveryByteBoundaryAndEveryPairOfBoundariesDecodeTheSame() {
        byte[] text = utf8("alpha\r\nbe\u00e9ta\n\ngamma\nlast-without-newline");
        List<String> expected = List.of("alpha", "be\u00e9ta", "", "gamma", "last-without-newline");
        for (int i = 0; i <= text.length; i++) {
            for (int j = i; j <= text.length; j++) {
                BufReader r = new BufReader(new Script(splitAt(text, i, j)), 4);
                assertEquals(expected, all(r.lines(32)), "cut at " + i + " and " + j);
            }
        }
    }

    @Test
    void lengthDelimitedFramesSplitAtEveryByteBoundaryDecodeTheSame() {
        LengthDelimitedCodec codec = new LengthDelimitedCodec(100);
        ByteBuffer enc = ByteBuffer.allocate(4);
        byte[][] frames = {utf8("one"), new byte[0], utf8("three three"), new byte[70]};
        for (byte[] f : frames) {
            enc = codec.encode(f, enc);
        }
        byte[] wire = java.util.Arrays.copyOf(enc.array(), enc.position());
        for (int i = 0; i <= wire.length; i++) {
            for (int j = i; j <= wire.length; j += 3) {
                BufReader r = new BufReader(new Script(splitAt(wire, i, j)), 2);
                List<byte[]> got = all(r.frames(new LengthDelimitedCodec(100)));
                assertEquals(frames.length, got.size(), "cut at " + i + " and " + j);
                for (int k = 0; k < frames.length; k++) {
                    assertArrayEquals(frames[k], got.get(k));
                }
            }
        }
    }

    @Test
    void anOversizedLengthHeaderIsRejectedBeforeAnyOfTheFrameIsBuffered() {
        ByteBuffer header = ByteBuffer.allocate(4).putInt(1 << 30);
        Script hostile = new Script(List.of(header.array(), new byte[1000]));
        BufReader r = new BufReader(hostile, 16);
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> drive(r.readFrame(new LengthDelimitedCodec(1024))));
        assertInstanceOf(FrameTooLongException.class, e.getCause());
        assertTrue(r.buffered() <= 16, "nothing of the frame was buffered beyond the header: " + r.buffered());
    }

    @Test
    void anEndlessLineIsRejectedOnceItPassesTheMaximum() {
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            chunks.add(new byte[]{'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'});
        }
        Script hostile = new Script(chunks);
        BufReader r = new BufReader(hostile, 8);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> drive(r.readFrame(new LinesCodec(100))));
        assertInstanceOf(FrameTooLongException.class, e.getCause());
        assertTrue(r.buffered() <= 128, "the reader stopped buffering near the maximum: " + r.buffered());
        assertTrue(hostile.chunks.size() > 900, "it stopped reading soon after the limit");
    }

    @Test
    void anEndInTheMiddleOfAFrameIsAnEofException() {
        ByteBuffer partial = ByteBuffer.allocate(6).putInt(10).put((byte) 1).put((byte) 2);
        BufReader r = new BufReader(new Script(List.of(partial.array())));
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> drive(r.readFrame(new LengthDelimitedCodec())));
        assertInstanceOf(EOFException.class, e.getCause());
        assertNull(drive(new BufReader(new Script(List.of())).readFrame(new LengthDelimitedCodec())),
                "a clean end between frames is the end of the stream");
    }

    @Test
    void rawReadsFramesAndLinesShareTheBuffer() {
        BufReader r = new BufReader(new Script(List.of(utf8("head"), utf8("er\nbody-of-it\nrest"))), 4);
        ByteBuffer first = ByteBuffer.allocate(2);
        assertEquals(2, drive(r.read(first)));
        assertEquals("he", new String(first.array(), StandardCharsets.UTF_8));
        assertEquals("ader", drive(r.readLine()));
        assertEquals("body-of-it", drive(r.readLine()));
        ByteBuffer rest = ByteBuffer.allocate(10);
        drive(r.read(rest));
        assertEquals("rest", new String(rest.array(), 0, rest.position(), StandardCharsets.UTF_8));
        assertEquals(AsyncRead.EOF, drive(r.read(ByteBuffer.allocate(1))));
    }

    @Test
    void encodersRefuseFramesOverTheirMaximum() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LinesCodec(3).encode("four", ByteBuffer.allocate(8)));
        assertTrue(e.getMessage().startsWith("line:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LengthDelimitedCodec(2).encode(new byte[3],
                ByteBuffer.allocate(8)));
        assertThrows(IllegalArgumentException.class, () -> new LinesCodec(0));
        assertThrows(IllegalArgumentException.class, () -> new LengthDelimitedCodec(-1));
        assertThrows(IllegalArgumentException.class, () -> new BufReader(new Script(List.of()), 0));
    }

    @Test
    void bufWriterGathersSmallWritesAndFlushWritesThemAll() {
        Sink sink = new Sink(3);
        BufWriter w = new BufWriter(sink, 16);
        for (int i = 0; i < 10; i++) {
            drive(w.writeAll(ByteBuffer.wrap(utf8("ab"))));
        }
        assertTrue(sink.out.size() < 20, "bytes wait in the buffer until it fills or is flushed");
        drive(w.flush());
        assertEquals("ab".repeat(10), sink.out.toString(StandardCharsets.UTF_8));
        drive(w.writeAll(ByteBuffer.wrap(new byte[40]))); // larger than the buffer: written through
        drive(w.shutdown());
        assertEquals(60, sink.out.size());
        assertTrue(sink.shutDown);
    }

    @Test
    void copyMovesEveryByteAndFlushesWhenTheSourceWaits() {
        byte[] data = new byte[50_000];
        new java.util.Random(3).nextBytes(data);
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < data.length; i += 777) {
            chunks.add(java.util.Arrays.copyOfRange(data, i, Math.min(data.length, i + 777)));
        }
        Sink sink = new Sink(1000);
        assertEquals(data.length, drive(Io.copy(new Script(chunks), sink, 512)));
        assertArrayEquals(data, sink.out.toByteArray());
        assertTrue(sink.flushes >= chunks.size(), "flushed whenever the source had nothing: " + sink.flushes);
        assertFalse(sink.shutDown, "copy does not shut the sink down");
    }

    @Test
    void framedSendsEncodesAtOnceSoACancelledSendStillWritesTheWholeFrame() {
        Sink sink = new Sink(2);
        FramedWrite<String> fw = new FramedWrite<>(sink, new LinesCodec());
        io.cortado.Future<Void> send = fw.send("hello");
        send.poll(Context.of(new TestWaker())); // Pending after at most part of it
        send.cancel();
        assertTrue(fw.buffered() > 0 || sink.out.size() == 6);
        drive(fw.send("world"));
        assertEquals("hello\nworld\n", sink.out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theLastLineOfTheStreamIsHeldToTheMaximumAndLosesItsCarriageReturn() throws Exception {
        assertThrows(FrameTooLongException.class, () -> new LinesCodec(4).decodeEof(ByteBuffer.wrap(utf8("abcde"))));
        assertEquals("abcd", new LinesCodec(4).decodeEof(ByteBuffer.wrap(utf8("abcd\r"))));
        assertEquals("ab", new LinesCodec(4).decodeEof(ByteBuffer.wrap(utf8("ab\r"))));
        assertEquals("", new LinesCodec(4).decodeEof(ByteBuffer.wrap(utf8("\r"))));
        assertThrows(FrameTooLongException.class, () -> new LinesCodec(4).decodeEof(ByteBuffer.wrap(utf8("abcde\r"))));

        // as over TCP: 1025 bytes and the end reach a LinesCodec(1024) in two reads
        byte[] x = new byte[1025];
        java.util.Arrays.fill(x, (byte) 'x');
        BufReader tooLong = new BufReader(new Script(splitAt(x, 512)));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> all(tooLong.lines(1024)));
        assertInstanceOf(FrameTooLongException.class, e.getCause());
        BufReader fits = new BufReader(new Script(splitAt(java.util.Arrays.copyOf(x, 1024), 512)));
        assertEquals(List.of("x".repeat(1024)), all(fits.lines(1024)));
        x[1024] = '\r';
        BufReader withCr = new BufReader(new Script(splitAt(x, 512)));
        assertEquals(List.of("x".repeat(1024)), all(withCr.lines(1024)), "a \\r ending the stream is dropped");
    }

    @Test
    void rawReadsBetweenPollsOfALinesStreamDoNotCorruptItsFraming() {
        ChunkSource source = new ChunkSource(java.util.Arrays.asList(utf8("abcdef"), null, utf8("gh\nij\n"),
                utf8("kl\n")));
        BufReader r = new BufReader(source);
        io.cortado.stream.Stream<String> lines = r.lines();
        Context cx = Context.of(new TestWaker());
        assertFalse(lines.pollNext(cx).isReady(), "abcdef has no newline yet");
        assertEquals(1, source.pendings);
        ByteBuffer six = ByteBuffer.allocate(6);
        assertEquals(6, r.pollRead(cx, six));
        assertEquals("abcdef", new String(six.array(), StandardCharsets.UTF_8));
        ByteBuffer three = ByteBuffer.allocate(3);
        assertEquals(3, r.pollRead(cx, three));
        assertEquals("gh\n", new String(three.array(), StandardCharsets.UTF_8));
        assertEquals("ij", lines.pollNext(cx).value());
        assertEquals("kl", lines.pollNext(cx).value());
        assertNull(lines.pollNext(cx).value());
    }

    @Test
    void aReaderGivesALargeFramesBufferBackOnceTheFrameIsTaken() {
        int big = LengthDelimitedCodec.DEFAULT_MAX_FRAME_LENGTH - 100; // leaves room for the next frame's start
        byte[] frame = new byte[big];
        new java.util.Random(10).nextBytes(frame);
        ByteBuffer wire = new LengthDelimitedCodec().encode(frame, ByteBuffer.allocate(0));
        wire = new LengthDelimitedCodec().encode(utf8("next"), wire);
        byte[] bytes = java.util.Arrays.copyOf(wire.array(), wire.position());
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += 65_536) {
            chunks.add(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 65_536)));
        }
        BufReader r = new BufReader(new Script(chunks));
        io.cortado.stream.Stream<byte[]> frames = r.frames(new LengthDelimitedCodec());
        assertArrayEquals(frame, drive(frames.next()));
        assertEquals(BufReader.DEFAULT_CAPACITY, r.capacity(),
                "the 8 MiB buffer was dropped although the next frame's bytes are buffered: " + r.buffered());
        assertTrue(r.buffered() > 0, "the next frame arrived with the big one's last chunk");
        assertArrayEquals(utf8("next"), drive(frames.next()));
        assertNull(drive(frames.next()));
        assertEquals(BufReader.DEFAULT_CAPACITY, r.capacity());
    }

    @Test
    void aFramedWriteGivesALargeFramesBufferBackOnceItIsWritten() {
        Sink sink = new Sink(1 << 20);
        FramedWrite<byte[]> fw = new FramedWrite<>(sink, new LengthDelimitedCodec());
        fw.feed(new byte[LengthDelimitedCodec.DEFAULT_MAX_FRAME_LENGTH]);
        assertTrue(fw.capacity() > LengthDelimitedCodec.DEFAULT_MAX_FRAME_LENGTH);
        drive(fw.flush());
        assertEquals(4 + LengthDelimitedCodec.DEFAULT_MAX_FRAME_LENGTH, sink.out.size());
        assertEquals(FramedWrite.INITIAL_CAPACITY, fw.capacity(), "drained: back to the initial buffer");
        drive(fw.send(utf8("small")));
        assertEquals(FramedWrite.INITIAL_CAPACITY, fw.capacity());
    }
}
