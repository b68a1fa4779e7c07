package io.cortado.examples;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.Task;

import java.util.ArrayList;

/** The first program of the README, verbatim in spirit: spawn, blocking work, join. */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        int total = AsyncRuntime.run(Futures.lazy(() -> {
            // inside the runtime: spawn finds it without any argument
            var tasks = new ArrayList<JoinHandle<Integer>>();
            for (int i = 1; i <= 1000; i++) {
                int n = i;
                tasks.add(Task.spawn(Task.yieldNow().map(v -> n * n)));       // a task per square
            }
            JoinHandle<String> io = Task.spawnBlocking(() -> "blocking work, off the workers");
            return Futures.join(Futures.joinAll(tasks), io)                   // polled concurrently
                    .map(t -> t.first().stream().mapToInt(Integer::intValue).sum());
        }).then(sum -> sum));
        System.out.println("sum of squares = " + total);                      // 333833500
    }
}
