package io.cortado.sync;

import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

/**
 * Linearizability of the non-waiting operations of the channels and the semaphore, from several threads: each
 * structure against its own sequential execution. The waiting paths share these states and are attacked by
 * {@code SyncStressTest}.
 */
class SyncLincheckTest {

    private static int scale() {
        return Math.max(1, Integer.getInteger("cortado.stress.scale", 1) / 4);
    }

    /**
     * Bounded mpsc: one thread group tries to send and closes the receiver, another receives. A send in progress
     * holds capacity (and the right to push) before its message is visible, so neither a concurrent trySend nor a
     * concurrent close can be linearized against a sequential queue (Mpsc rules 3 and 5, by design); those
     * overlaps are exercised by ChannelTest and SyncStressTest instead. The unbounded test has many producers.
     */
    @Param(name = "v", gen = IntGen.class, conf = "1:5")
    public static class BoundedMpsc extends RuntimeTestBase {
        private final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);

        @Operation(nonParallelGroup = "producer")
        public Mpsc.TrySend trySend(@Param(name = "v") int v) {
            return ch.sender().trySend(v);
        }

        @Operation(nonParallelGroup = "consumer")
        public Integer tryRecv() {
            return ch.receiver().tryRecv();
        }

        @Operation(nonParallelGroup = "producer")
        public void closeReceiver() {
            ch.receiver().close();
        }

        @Override
        protected boolean checksDescriptors() {
            return false;
        }
    }

    /**
     * Unbounded mpsc: two senders (one of them closed at some point) push from several threads; the consumer sees
     * every message and the end of the stream only after the last close. The closed sender's sends do not overlap
     * its close (a send in flight during a close is delivered before the end, but not visibly at the close).
     */
    @Param(name = "v", gen = IntGen.class, conf = "1:5")
    public static class UnboundedMpsc extends RuntimeTestBase {
        private final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        private final Mpsc.UnboundedSender<Integer> other = ch.sender().duplicate();

        @Operation
        public void sendOther(@Param(name = "v") int v) {
            other.send(v);
        }

        @Operation(nonParallelGroup = "closer")
        public String send(@Param(name = "v") int v) {
            try {
                ch.sender().send(v);
                return "sent";
            } catch (ClosedException e) {
                return "closed";
            } catch (IllegalStateException e) {
                return "sender closed";
            }
        }

        @Operation(nonParallelGroup = "consumer")
        public Integer tryRecv() {
            return ch.receiver().tryRecv();
        }

        @Operation(nonParallelGroup = "consumer")
        public boolean ended() {
            return ch.receiver().isClosedAndEmpty();
        }

        @Operation(nonParallelGroup = "closer")
        public void closeSender() {
            ch.sender().close();
        }

        @Override
        protected boolean checksDescriptors() {
            return false;
        }
    }

    /** The semaphore's permit accounting under concurrent try-acquires, releases and close. */
    @Param(name = "n", gen = IntGen.class, conf = "1:3")
    public static class SemaphoreOps extends RuntimeTestBase {
        private final Semaphore s = new Semaphore(3);

        @Operation
        public String tryAcquire(@Param(name = "n") int n) {
            try {
                Semaphore.Permit p = s.tryAcquire(n);
                if (p == null) {
                    return "none";
                }
                p.forget();
                return "took " + n;
            } catch (ClosedException e) {
                return "closed";
            }
        }

        @Operation
        public void release(@Param(name = "n") int n) {
            s.release(n);
        }

        @Operation
        public int available() {
            return s.availablePermits();
        }

        @Operation
        public void close() {
            s.close();
        }

        @Override
        protected boolean checksDescriptors() {
            return false;
        }
    }

    /** A oneshot's send, receiver close and try-receive racing. */
    public static class OneshotOps extends RuntimeTestBase {
        private final Oneshot.Channel<String> ch = Oneshot.channel();

        @Operation(nonParallelGroup = "sender")
        public String send() {
            try {
                return ch.sender().send("v") ? "sent" : "receiver gone";
            } catch (IllegalStateException e) {
                return "twice";
            }
        }

        @Operation(nonParallelGroup = "sender")
        public void closeSender() {
            ch.sender().close();
        }

        @Operation(nonParallelGroup = "receiver")
        public String tryRecv() {
            try {
                return String.valueOf(ch.receiver().tryRecv());
            } catch (ClosedException e) {
                return "closed";
            }
        }

        @Operation(nonParallelGroup = "receiver")
        public void closeReceiver() {
            ch.receiver().close();
        }

        @Operation
        public boolean senderSeesClosed() {
            return ch.sender().isClosed();
        }

        @Override
        protected boolean checksDescriptors() {
            return false;
        }
    }

    /** Broadcast: any thread sends; two receivers, each read by its own thread group. */
    @Param(name = "v", gen = IntGen.class, conf = "1:5")
    public static class BroadcastOps extends RuntimeTestBase {
        private final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        private final Broadcast.Receiver<Integer> second = ch.sender().subscribe();

        @Operation
        public void send(@Param(name = "v") int v) {
            ch.sender().send(v);
        }

        @Operation(nonParallelGroup = "first")
        public String recvFirst() {
            return read(ch.receiver());
        }

        @Operation(nonParallelGroup = "second")
        public String recvSecond() {
            return read(second);
        }

        private static String read(Broadcast.Receiver<Integer> r) {
            try {
                return String.valueOf(r.tryRecv());
            } catch (Broadcast.LaggedException e) {
                return "lagged " + e.missed();
            }
        }

        @Override
        protected boolean checksDescriptors() {
            return false;
        }
    }

    /** Watch: concurrent sends against a reader's borrow and change check. */
    @Param(name = "v", gen = IntGen.class, conf = "1:5")
    public static class WatchOps extends RuntimeTestBase {
        private final Watch.Channel<Integer> ch = Watch.channel(0);

        @Operation
        public void send(@Param(name = "v") int v) {
            ch.sender().send(v);
        }

        @Operation(nonParallelGroup = "reader")
        public int borrow() {
            return ch.receiver().borrow();
        }

        @Operation(nonParallelGroup = "reader")
        public boolean hasChanged() {
            return ch.receiver().hasChanged();
        }

        @Override
        protected boolean checksDescriptors() {
            return false;
        }
    }

    /** OnceCell and CancellationToken: set-once and cancel-once state from every side. */
    @Param(name = "v", gen = IntGen.class, conf = "1:3")
    public static class OnceOps extends RuntimeTestBase {
        private final OnceCell<Integer> cell = new OnceCell<>();
        private final CancellationToken root = new CancellationToken();
        private final CancellationToken child = root.child();

        @Operation
        public boolean trySet(@Param(name = "v") int v) {
            return cell.trySet(v);
        }

        @Operation
        public Integer get() {
            return cell.get();
        }

        @Operation
        public void cancelRoot() {
            root.cancel();
        }

        @Operation
        public void cancelChild() {
            child.cancel();
        }

        @Operation
        public boolean rootCancelled() {
            return root.isCancelled();
        }

        @Operation
        public boolean childCancelled() {
            return child.isCancelled();
        }

        @Override
        protected boolean checksDescriptors() {
            return false;
        }
    }

    /**
     * Mutex and RwLock through their non-waiting paths: each thread group takes and releases its own guard in
     * separate operations, so a holder is visible to the others between them.
     */
    public static class LockOps extends RuntimeTestBase {
        private final Mutex<Integer> mutex = new Mutex<>(0);
        private final RwLock<Integer> rw = new RwLock<>(0);
        private Mutex.Guard<Integer> mutexA;
        private Mutex.Guard<Integer> mutexB;
        private RwLock.ReadGuard<Integer> reader;
        private RwLock.WriteGuard<Integer> writer;

        @Operation(nonParallelGroup = "a")
        public boolean lockA() {
            if (mutexA == null) {
                mutexA = mutex.tryLock();
            }
            return mutexA != null;
        }

        @Operation(nonParallelGroup = "a")
        public void unlockA() {
            if (mutexA != null) {
                mutexA.close();
                mutexA = null;
            }
        }

        @Operation(nonParallelGroup = "b")
        public boolean lockB() {
            if (mutexB == null) {
                mutexB = mutex.tryLock();
            }
            return mutexB != null;
        }

        @Operation(nonParallelGroup = "b")
        public void unlockB() {
            if (mutexB != null) {
                mutexB.close();
                mutexB = null;
            }
        }

        @Operation(nonParallelGroup = "a")
        public boolean read() {
            if (reader == null) {
                reader = rw.tryRead();
            }
            return reader != null;
        }

        @Operation(nonParallelGroup = "a")
        public void unread() {
            if (reader != null) {
                reader.close();
                reader = null;
            }
        }

        @Operation(nonParallelGroup = "b")
        public boolean write() {
            if (writer == null) {
                writer = rw.tryWrite();
            }
            return writer != null;
        }

        @Operation(nonParallelGroup = "b")
        public void unwrite() {
            if (writer != null) {
                writer.close();
                writer = null;
            }
        }

        @Override
        protected boolean checksDescriptors() {
            return false;
        }
    }

    /** Notify: the stored permit and notifyWaiters against one waiter made, polled and cancelled in steps. */
    public static class NotifyOps extends RuntimeTestBase {
        private final Notify notify = new Notify();
        private io.cortado.Future<Void> waiter;

        @Operation
        public void notifyOne() {
            notify.notifyOne();
        }

        @Operation
        public void notifyWaiters() {
            notify.notifyWaiters();
        }

        @Operation(nonParallelGroup = "waiter")
        public void makeWaiter() {
            if (waiter == null) {
                waiter = notify.notified();
            }
        }

        @Operation(nonParallelGroup = "waiter")
        public boolean pollWaiter() {
            if (waiter == null) {
                return false;
            }
            boolean ready = waiter.poll(io.cortado.Context.of(io.cortado.Waker.noop())).isReady();
            if (ready) {
                waiter = null;
            }
            return ready;
        }

        @Operation(nonParallelGroup = "waiter")
        public void cancelWaiter() {
            if (waiter != null) {
                waiter.cancel(); // a notification that chose it is passed on (stored), never lost
                waiter = null;
            }
        }

        @Override
        protected boolean checksDescriptors() {
            return false;
        }
    }

    private static void check(Class<?> c) {
        new ModelCheckingOptions().iterations(12 * scale()).invocationsPerIteration(300)
                .threads(3).actorsPerThread(3).check(c);
        new StressOptions().iterations(8 * scale()).invocationsPerIteration(500)
                .threads(3).actorsPerThread(3).check(c);
    }

    @Nested
    class Linearizable extends RuntimeTestBase {
        @Test
        @Timeout(value = 20, unit = TimeUnit.MINUTES)
        void boundedMpsc() {
            check(BoundedMpsc.class);
        }

        @Test
        @Timeout(value = 20, unit = TimeUnit.MINUTES)
        void unboundedMpsc() {
            check(UnboundedMpsc.class);
        }

        @Test
        @Timeout(value = 20, unit = TimeUnit.MINUTES)
        void semaphore() {
            check(SemaphoreOps.class);
        }

        @Test
        @Timeout(value = 20, unit = TimeUnit.MINUTES)
        void oneshot() {
            check(OneshotOps.class);
        }

        @Test
        @Timeout(value = 20, unit = TimeUnit.MINUTES)
        void mutexAndRwLock() {
            check(LockOps.class);
        }

        @Test
        @Timeout(value = 20, unit = TimeUnit.MINUTES)
        void notifyPermits() {
            check(NotifyOps.class);
        }

        @Test
        @Timeout(value = 20, unit = TimeUnit.MINUTES)
        void broadcast() {
            check(BroadcastOps.class);
        }

        @Test
        @Timeout(value = 20, unit = TimeUnit.MINUTES)
        void watch() {
            check(WatchOps.class);
        }

        @Test
        @Timeout(value = 20, unit = TimeUnit.MINUTES)
        void onceCellAndCancellationToken() {
            check(OnceOps.class);
        }

        @Override
        protected boolean checksDescriptors() {
            return false; // Lincheck itself opens files and a socket
        }
    }
}
