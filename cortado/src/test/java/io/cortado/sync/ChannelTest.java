package io.cortado.sync;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Oneshot}, {@link Mpsc} and {@link Notify} by hand-polling: every statement of their cancel safety. */
class ChannelTest extends RuntimeTestBase {

    private static <T> Poll<T> poll(Future<T> f, TestWaker w) {
        return f.poll(Context.of(w));
    }

    @Test
    void oneshotDeliversOnceAndWakesTheReceiver() {
        Oneshot.Channel<String> ch = Oneshot.channel();
        TestWaker w = new TestWaker();
        assertFalse(poll(ch.receiver(), w).isReady());
        assertTrue(ch.sender().send("v"));
        assertEquals(1, w.wakes());
        assertEquals("v", poll(ch.receiver(), w).value());
        assertThrows(IllegalStateException.class, () -> ch.sender().send("again"));
    }

    @Test
    void oneshotReceiverLearnsTheSenderLeftAndTheSenderLearnsTheReceiverLeft() {
        Oneshot.Channel<String> a = Oneshot.channel();
        TestWaker w = new TestWaker();
        assertFalse(poll(a.receiver(), w).isReady());
        a.sender().close();
        assertEquals(1, w.wakes());
        assertThrows(ClosedException.class, () -> poll(a.receiver(), w));

        Oneshot.Channel<String> b = Oneshot.channel();
        TestWaker tw = new TestWaker();
        Future<Void> closed = b.sender().closed();
        assertFalse(poll(closed, tw).isReady());
        b.receiver().cancel(); // cancelling the receiver closes it
        assertEquals(1, tw.wakes());
        assertTrue(poll(closed, tw).isReady());
        assertTrue(b.sender().isClosed());
        assertFalse(b.sender().send("lost?"), "the value stays with the sender");
    }

    @Test
    void boundedSendWaitsWhileFullAndTrySendSaysWhy() {
        Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        var tx = ch.sender();
        assertEquals(Mpsc.TrySend.SENT, tx.trySend(1));
        assertTrue(poll(tx.send(2), new TestWaker()).isReady());
        assertEquals(Mpsc.TrySend.FULL, tx.trySend(3));
        TestWaker sw = new TestWaker();
        Future<Void> blocked = tx.send(3);
        assertFalse(poll(blocked, sw).isReady(), "backpressure");
        TestWaker rw = new TestWaker();
        assertEquals(1, poll(ch.receiver().recv(), rw).value());
        assertEquals(1, sw.wakes(), "taking a message makes room and wakes the sender");
        assertTrue(poll(blocked, sw).isReady());
        assertEquals(2, ch.receiver().tryRecv());
        assertEquals(3, ch.receiver().tryRecv());
        assertNull(ch.receiver().tryRecv());
    }

    @Test
    void aCancelledSendSendsNothingAndTakesNoRoom() {
        Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        var tx = ch.sender();
        assertEquals(Mpsc.TrySend.SENT, tx.trySend(1));
        TestWaker w1 = new TestWaker();
        TestWaker w2 = new TestWaker();
        Future<Void> s2 = tx.send(2);
        Future<Void> s3 = tx.send(3);
        assertFalse(poll(s2, w1).isReady());
        assertFalse(poll(s3, w2).isReady());
        s2.cancel();
        assertEquals(1, ch.receiver().tryRecv());
        assertEquals(1, w2.wakes(), "the room goes to the next sender, not to the cancelled one");
        assertTrue(poll(s3, w2).isReady());
        assertEquals(3, ch.receiver().tryRecv());
        assertNull(ch.receiver().tryRecv(), "2 was never sent");
    }

    @Test
    void aCancelledRecvLosesNoMessage() {
        Mpsc.UnboundedChannel<String> ch = Mpsc.unbounded();
        TestWaker w = new TestWaker();
        Future<String> r = ch.receiver().recv();
        assertFalse(poll(r, w).isReady());
        r.cancel();
        ch.sender().send("kept");
        assertEquals(1, w.wakes());
        assertEquals("kept", ch.receiver().tryRecv());
    }

    @Test
    void endOfStreamComesAfterTheLastSenderClosesAndTheBufferDrains() {
        Mpsc.UnboundedChannel<String> ch = Mpsc.unbounded();
        var tx2 = ch.sender().duplicate();
        ch.sender().send("a");
        ch.sender().close();
        tx2.send("b");
        TestWaker w = new TestWaker();
        Future<String> r = ch.receiver().recv();
        assertEquals("a", poll(r, w).value());
        assertEquals("b", poll(r, w).value());
        assertFalse(poll(r, w).isReady(), "one sender is still open");
        tx2.close();
        assertEquals(1, w.wakes());
        Poll<String> end = poll(r, w);
        assertTrue(end.isReady());
        assertNull(end.value(), "null: the end of the stream");
        assertTrue(ch.receiver().isClosedAndEmpty());
        assertThrows(IllegalStateException.class, () -> tx2.send("late"));
    }

    @Test
    void receiverCloseFailsSendersAndHandsTheValueBack() {
        Mpsc.Channel<String> ch = Mpsc.bounded(1);
        var tx = ch.sender();
        assertEquals(Mpsc.TrySend.SENT, tx.trySend("buffered"));
        TestWaker w = new TestWaker();
        Future<Void> blocked = tx.send("blocked");
        assertFalse(poll(blocked, w).isReady());
        ch.receiver().close();
        assertEquals(1, w.wakes());
        ClosedException e = assertThrows(ClosedException.class, () -> poll(blocked, w));
        assertEquals("blocked", e.value());
        assertEquals(Mpsc.TrySend.CLOSED, tx.trySend("x"));
        assertEquals("buffered", ch.receiver().tryRecv(), "what was buffered can still be received");
        Mpsc.UnboundedChannel<String> u = Mpsc.unbounded();
        u.receiver().close();
        assertSame("v", assertThrows(ClosedException.class, () -> u.sender().send("v")).value());
    }

    @Test
    void closeThenDrainEndsTheStreamWhileSendersAreStillOpen() {
        Mpsc.Channel<String> b = Mpsc.bounded(4);
        assertEquals(Mpsc.TrySend.SENT, b.sender().trySend("b1"));
        b.receiver().close();
        TestWaker w = new TestWaker();
        assertEquals("b1", poll(b.receiver().recv(), w).value());
        Poll<String> end = poll(b.receiver().recv(), w);
        assertTrue(end.isReady(), "closed and drained: the end, although the sender is open");
        assertNull(end.value());
        assertTrue(b.receiver().isClosedAndEmpty());

        Mpsc.UnboundedChannel<String> u = Mpsc.unbounded();
        u.sender().send("u1");
        u.receiver().close();
        assertEquals("u1", poll(u.receiver().recv(), w).value());
        Poll<String> uend = poll(u.receiver().recv(), w);
        assertTrue(uend.isReady(), "closed and drained: the end, although the sender is open");
        assertNull(uend.value());
        assertTrue(u.receiver().isClosedAndEmpty());
    }

    @Test
    void aReservationHeldAtTheReceiversCloseIsDeliveredOrGivenBackBeforeTheEnd() {
        Mpsc.Channel<String> ch = Mpsc.bounded(2);
        var tx = ch.sender();
        Mpsc.Reservation<String> used = poll(tx.reserve(), new TestWaker()).value();
        Mpsc.Reservation<String> unused = poll(tx.reserve(), new TestWaker()).value();
        ch.receiver().close();
        TestWaker w = new TestWaker();
        Future<String> recv = ch.receiver().recv();
        assertFalse(poll(recv, w).isReady(), "two reservations are still out");
        used.send("reserved before the close");
        assertEquals(1, w.wakes());
        assertEquals("reserved before the close", poll(recv, w).value());
        assertFalse(poll(recv, w).isReady(), "one reservation is still out");
        unused.close();
        assertEquals(2, w.wakes(), "the room given back wakes the draining receiver");
        Poll<String> end = poll(recv, w);
        assertTrue(end.isReady());
        assertNull(end.value());

        Mpsc.Channel<String> one = Mpsc.bounded(1);
        assertEquals(Mpsc.TrySend.SENT, one.sender().trySend("full"));
        Future<Mpsc.Reservation<String>> reserve = one.sender().reserve();
        assertFalse(poll(reserve, new TestWaker()).isReady(), "waits for room");
        TestWaker rw = new TestWaker();
        assertEquals("full", poll(one.receiver().recv(), rw).value()); // the room is granted to the reserve
        one.receiver().close();
        assertFalse(poll(one.receiver().recv(), rw).isReady(), "the granted room is still out");
        reserve.cancel();
        assertTrue(rw.wakes() >= 1, "a granted reserve cancelled after the close wakes the draining receiver");
        assertNull(poll(one.receiver().recv(), rw).value());
    }

    @Test
    void aSendGrantedRoomBeforeTheReceiversCloseIsDeliveredNotFailed() {
        Mpsc.Channel<String> ch = Mpsc.bounded(1);
        var tx = ch.sender();
        assertEquals(Mpsc.TrySend.SENT, tx.trySend("first"));
        TestWaker sw = new TestWaker();
        Future<Void> waiting = tx.send("granted");
        assertFalse(poll(waiting, sw).isReady());
        TestWaker rw = new TestWaker();
        assertEquals("first", poll(ch.receiver().recv(), rw).value()); // the room goes to the waiting send
        ch.receiver().close();
        assertTrue(poll(waiting, sw).isReady(), "its room was granted before the close: it is sent");
        assertEquals("granted", poll(ch.receiver().recv(), rw).value());
        assertNull(poll(ch.receiver().recv(), rw).value());
    }

    @Test
    void aSendOrReservationMadeBeforeItsSenderClosedIsDeliveredBeforeTheEnd() {
        Mpsc.Channel<String> ch = Mpsc.bounded(4);
        var tx = ch.sender();
        Future<Void> late = tx.send("made before close");
        Mpsc.Reservation<String> r = poll(tx.reserve(), new TestWaker()).value();
        tx.close(); // the last sender: but a send and a reservation are still out
        TestWaker w = new TestWaker();
        Future<String> recv = ch.receiver().recv();
        assertFalse(poll(recv, w).isReady(), "not the end yet");
        assertTrue(poll(late, new TestWaker()).isReady());
        assertEquals("made before close", poll(recv, w).value());
        r.send("reserved");
        assertEquals("reserved", poll(recv, w).value());
        Poll<String> end = poll(recv, w);
        assertTrue(end.isReady());
        assertNull(end.value(), "the end, once everything begun before the close was delivered");
        assertThrows(IllegalStateException.class, () -> tx.send("after close"));
    }

    @Test
    void reservationSendsWithoutWaitingOrGivesTheRoomBack() {
        Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        var tx = ch.sender();
        TestWaker w = new TestWaker();
        Mpsc.Reservation<Integer> r = poll(tx.reserve(), w).value();
        assertEquals(Mpsc.TrySend.FULL, tx.trySend(0), "the room is reserved");
        r.close();
        assertEquals(Mpsc.TrySend.SENT, tx.trySend(1));
        assertEquals(1, ch.receiver().tryRecv());
        Mpsc.Reservation<Integer> r2 = poll(tx.reserve(), w).value();
        r2.send(2);
        assertEquals(2, ch.receiver().tryRecv());
    }

    @Test
    void notifyOneStoresAPermitAndNotifyWaitersWakesEveryone() {
        Notify n = new Notify();
        n.notifyOne(); // nobody waits: stored
        TestWaker w = new TestWaker();
        assertTrue(poll(n.notified(), w).isReady(), "the stored permit is consumed at once");
        Future<Void> a = n.notified();
        Future<Void> b = n.notified();
        Future<Void> notYetPolled = n.notified();
        TestWaker wa = new TestWaker();
        TestWaker wb = new TestWaker();
        assertFalse(poll(a, wa).isReady());
        assertFalse(poll(b, wb).isReady());
        n.notifyWaiters();
        assertEquals(1, wa.wakes());
        assertEquals(1, wb.wakes());
        assertTrue(poll(a, wa).isReady());
        assertTrue(poll(b, wb).isReady());
        assertTrue(poll(notYetPolled, w).isReady(), "created before notifyWaiters: completes");
        assertFalse(poll(n.notified(), w).isReady(), "notifyWaiters stores nothing");
    }

    @Test
    void aCancelledNotifiedPassesItsNotificationOn() {
        Notify n = new Notify();
        Future<Void> first = n.notified();
        Future<Void> second = n.notified();
        TestWaker w1 = new TestWaker();
        TestWaker w2 = new TestWaker();
        assertFalse(poll(first, w1).isReady());
        assertFalse(poll(second, w2).isReady());
        n.notifyOne();
        assertEquals(1, w1.wakes());
        first.cancel(); // chosen, but never observed it
        assertEquals(1, w2.wakes(), "the notification goes to the next waiter");
        assertTrue(poll(second, w2).isReady());
    }
}
