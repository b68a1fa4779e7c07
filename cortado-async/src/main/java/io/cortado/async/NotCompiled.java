package io.cortado.async;

/** The error of an {@code await} or {@code yield} in code that was not compiled into a state machine. */
final class NotCompiled {
    private static final StackWalker WALKER = StackWalker.getInstance();

    private NotCompiled() {
    }

    static IllegalStateException error(String what) {
        String where = WALKER.walk(frames -> frames
                .filter(f -> !f.getClassName().startsWith("io.cortado.async."))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + " (" + f.getFileName() + ":" + f.getLineNumber()
                        + ")")
                .orElse("an unknown method"));
        return new IllegalStateException(what + " called in " + where + ", which was not compiled into a state "
                + "machine: add the Maven plugin io.cortado:cortado-async-maven-plugin (goals transform and "
                + "transform-tests) to the build, or run with the agent, -javaagent:path/to/cortado-async-compiler.jar;"
                + " and check that the method returns Future (or Stream for Async.yield), or that the lambda is "
                + "written in the Async.fn(...) call");
    }
}
