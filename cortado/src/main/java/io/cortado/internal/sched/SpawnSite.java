package io.cortado.internal.sched;

import java.security.CodeSource;
import java.util.Objects;

/**
 * Finds the frame that spawned a task: the first caller outside the runtime's own classes (those loaded from the
 * same code source as this class), so a spawn through {@code Task.spawn}, a {@code JoinSet} or a {@code Handle}
 * names the user's line. Used only when the runtime captures spawn locations: a stack walk costs microseconds.
 */
final class SpawnSite {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final Object RUNTIME_SOURCE = sourceOf(SpawnSite.class);
    private static final ClassValue<Boolean> IS_RUNTIME = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return RUNTIME_SOURCE != null && RUNTIME_SOURCE.equals(sourceOf(type));
        }
    };

    private SpawnSite() {
    }

    /** @return the first frame outside the runtime, or {@code null} if every frame is the runtime's */
    static StackTraceElement caller() {
        return WALKER.walk(frames -> frames
                .filter(f -> !IS_RUNTIME.get(f.getDeclaringClass()))
                .findFirst()
                .map(StackWalker.StackFrame::toStackTraceElement)
                .orElse(null));
    }

    private static Object sourceOf(Class<?> type) {
        CodeSource cs = type.getProtectionDomain().getCodeSource();
        return cs == null ? null : Objects.toString(cs.getLocation(), null);
    }
}
