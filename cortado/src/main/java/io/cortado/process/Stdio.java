package io.cortado.process;

/**
 * What a child process's standard stream is connected to (see {@link Command#stdin}, {@link Command#stdout},
 * {@link Command#stderr}).
 */
public enum Stdio {
    /** The parent's own stream: the child reads the JVM's standard input, writes to its terminal or log. */
    INHERIT,
    /** A pipe to this process: {@link Child#stdin()}, {@link Child#stdout()} or {@link Child#stderr()}. */
    PIPED,
    /** Nothing: the child reads end of file at once, or its output is discarded (the null device). */
    NULL
}
