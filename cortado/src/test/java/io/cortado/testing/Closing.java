package io.cortado.testing;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

/** Ties a resource's life to a future's, for tests that open sockets and streams inside future chains. */
public final class Closing {
    private Closing() {
    }

    /** @return {@code f}, closing {@code c} when it completes, fails or is cancelled */
    public static <T> Future<T> closing(Future<T> f, AutoCloseable c) {
        return new Future<>() {
            @Override
            public Poll<T> poll(Context cx) {
                Poll<T> p;
                try {
                    p = f.poll(cx);
                } catch (RuntimeException | Error e) {
                    close();
                    throw e;
                }
                if (p.isReady()) {
                    close();
                }
                return p;
            }

            @Override
            public void cancel() {
                f.cancel();
                close();
            }

            private void close() {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        };
    }
}
