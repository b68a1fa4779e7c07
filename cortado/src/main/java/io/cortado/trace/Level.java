package io.cortado.trace;

/** How important an event or span is, from the most verbose to the most severe. */
public enum Level {
    /** Very fine detail: every poll, every wake. */
    TRACE,
    /** Detail for diagnosing. */
    DEBUG,
    /** Normal, noteworthy operation. */
    INFO,
    /** Something unexpected that the program handles. */
    WARN,
    /** A failure. */
    ERROR
}
