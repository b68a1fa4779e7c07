package io.cortado.async.compiler;

import java.util.List;

/** Async methods that cannot be compiled: each problem names the file, the line and what to change. */
public final class AsyncCompileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    AsyncCompileException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return one line per problem: {@code File.java:42: await inside a synchronized block in C.m ...} */
    public List<String> problems() {
        return problems;
    }
}
