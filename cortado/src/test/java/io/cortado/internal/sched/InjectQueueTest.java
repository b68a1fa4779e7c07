package io.cortado.internal.sched;

import io.cortado.Futures;
import io.cortado.internal.task.Scheduler;
import io.cortado.internal.task.TaskCell;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link InjectQueue}: FIFO, batches, and many producers against two consumers with nothing lost or doubled. */
class InjectQueueTest extends RuntimeTestBase {
    /** A scheduler that does nothing: the queue tests never run their tasks. */
    static final Scheduler NONE = new Scheduler() {
        @Override
        public void schedule(TaskCell<?> task) {
        }

        @Override
        public void yieldTask(TaskCell<?> task) {
        }

        @Override
        public void release(TaskCell<?> task) {
        }
    };

    private static TaskCell<Integer> task() {
        return new TaskCell<>(Futures.ready(1), NONE);
    }

    @Test
    void fifoAndBatches() {
        InjectQueue q = new InjectQueue();
        assertTrue(q.isEmpty());
        assertNull(q.pop());
        List<TaskCell<?>> ts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ts.add(task());
        }
        q.push(ts.get(0));
        q.pushBatch(ts.subList(1, 8).toArray(), 7);
        q.push(ts.get(8));
        q.push(ts.get(9));
        assertEquals(10, q.depth());
        assertSame(ts.get(0), q.pop());
        TaskCell<?>[] out = new TaskCell<?>[4];
        assertEquals(4, q.popBatch(out, 4));
        assertEquals(5, q.depth());
        for (int i = 0; i < 4; i++) {
            assertSame(ts.get(1 + i), out[i]);
        }
        for (int i = 5; i < 10; i++) {
            assertSame(ts.get(i), q.pop());
        }
        assertTrue(q.isEmpty());
        assertEquals(0, q.depth(), "the stub's re-links are not counted");
        q.push(ts.get(3)); // a popped task can be queued again
        assertEquals(1, q.depth());
        assertSame(ts.get(3), q.pop());
        assertEquals(0, q.depth());
    }

    @Test
    void manyProducersTwoConsumersNothingLostOrDoubled() throws Exception {
        InjectQueue q = new InjectQueue();
        int perProducer = 100_000 * stressScale();
        List<List<TaskCell<?>>> made = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            List<TaskCell<?>> l = new ArrayList<>(perProducer);
            for (int i = 0; i < perProducer; i++) {
                l.add(task());
            }
            made.add(l);
        }
        AtomicBoolean done = new AtomicBoolean();
        List<Map<TaskCell<?>, Boolean>> seen = List.of(new IdentityHashMap<>(), new IdentityHashMap<>());
        Thread[] consumers = new Thread[2];
        for (int c = 0; c < 2; c++) {
            Map<TaskCell<?>, Boolean> mine = seen.get(c);
            boolean batches = c == 0;
            consumers[c] = Thread.ofPlatform().start(() -> {
                TaskCell<?>[] buf = new TaskCell<?>[64];
                while (!done.get() || !q.isEmpty()) {
                    int depth = q.depth();
                    if (depth < 0 || depth > 3 * perProducer) {
                        throw new AssertionError("depth out of range: " + depth);
                    }
                    if (batches) {
                        int n = q.popBatch(buf, 64);
                        for (int i = 0; i < n; i++) {
                            mine.put(buf[i], Boolean.TRUE);
                        }
                    } else {
                        TaskCell<?> t = q.pop();
                        if (t != null) {
                            mine.put(t, Boolean.TRUE);
                        }
                    }
                }
            });
        }
        Thread[] producers = new Thread[3];
        for (int p = 0; p < 3; p++) {
            List<TaskCell<?>> l = made.get(p);
            boolean batches = p == 0;
            producers[p] = Thread.ofPlatform().start(() -> {
                if (batches) {
                    for (int i = 0; i < l.size(); i += 100) {
                        Object[] b = l.subList(i, Math.min(l.size(), i + 100)).toArray();
                        q.pushBatch(b, b.length);
                    }
                } else {
                    l.forEach(q::push);
                }
            });
        }
        for (Thread t : producers) {
            t.join();
        }
        done.set(true);
        for (Thread t : consumers) {
            t.join();
        }
        assertEquals(0, q.depth(), "all taken: depth back to zero");
        int total = seen.get(0).size() + seen.get(1).size();
        assertEquals(3 * perProducer, total, "every task taken once");
        for (TaskCell<?> t : seen.get(0).keySet()) {
            assertTrue(!seen.get(1).containsKey(t), "a task taken twice");
        }
    }
}
