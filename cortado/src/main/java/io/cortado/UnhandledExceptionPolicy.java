package io.cortado;

/** What a runtime does when a task fails (its poll throws), besides handing the error to its {@link JoinHandle}. */
public enum UnhandledExceptionPolicy {
    /** Nothing more: the error reaches the task's join handle; the runtime keeps running. The default. */
    IGNORE,
    /**
     * Shut the runtime down: no further task is polled, {@code blockOn} throws an {@link IllegalStateException}
     * whose cause is the task's error, and {@code close()} then cancels what is left.
     */
    SHUTDOWN_RUNTIME
}
