package io.cortado;

import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Bad configuration fails at the API edge with a message naming the parameter and the expected range. */
class BuilderTest extends RuntimeTestBase {

    @Test
    void badValuesAreRejectedWithTheParameterName() {
        assertEquals("maxBlockingThreads : 0 (expected: > 0)", assertThrows(IllegalArgumentException.class,
                () -> AsyncRuntime.builder().maxBlockingThreads(0)).getMessage());
        assertEquals("eventInterval : -1 (expected: > 0)", assertThrows(IllegalArgumentException.class,
                () -> AsyncRuntime.builder().eventInterval(-1)).getMessage());
        assertEquals("globalQueueInterval : 0 (expected: > 0)", assertThrows(IllegalArgumentException.class,
                () -> AsyncRuntime.builder().globalQueueInterval(0)).getMessage());
        assertEquals("threadKeepAlive : PT0S (expected: > 0)", assertThrows(IllegalArgumentException.class,
                () -> AsyncRuntime.builder().threadKeepAlive(Duration.ZERO)).getMessage());
        assertEquals("threadNamePrefix", assertThrows(NullPointerException.class,
                () -> AsyncRuntime.builder().threadNamePrefix(null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> AsyncRuntime.builder().threadNamePrefix(" "));
        try (AsyncRuntime rt = AsyncRuntime.builder().build()) {
            assertEquals("timeout : PT-1S (expected: >= 0)", assertThrows(IllegalArgumentException.class,
                    () -> rt.shutdown(Duration.ofSeconds(-1))).getMessage());
            assertEquals("future", assertThrows(NullPointerException.class, () -> rt.blockOn(null)).getMessage());
            assertEquals("future", assertThrows(NullPointerException.class, () -> rt.spawn(null)).getMessage());
        }
    }

    @Test
    void runIsTheOneLineMain() {
        int sum = AsyncRuntime.run(Futures.join(Futures.ready(1), Futures.ready(5))
                .map(t -> t.first() + t.second()));
        assertEquals(6, sum);
    }

    @Test
    void customThreadNamesAreUsed() {
        try (AsyncRuntime rt = AsyncRuntime.builder().threadNamePrefix("cortado-custom").build()) {
            String name = rt.blockOn(rt.handle().spawnBlocking(() -> Thread.currentThread().getName()));
            assertEquals("cortado-custom-blocking-0", name);
        }
    }

    @Test
    void createAndCloseManyRuntimes() {
        for (int i = 0; i < 200 * stressScale(); i++) {
            try (AsyncRuntime rt = AsyncRuntime.builder().build()) {
                int v = i;
                assertEquals(v, rt.blockOn(rt.handle().spawnBlocking(() -> v)));
            }
        }
    }
}
