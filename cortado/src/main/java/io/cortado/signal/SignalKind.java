package io.cortado.signal;

import java.util.Locale;
import java.util.Objects;

/**
 * A POSIX signal, by its name without the {@code SIG} prefix ({@code "HUP"}, {@code "USR1"}), as Tokio's
 * {@code SignalKind}. The constants are the signals a program usually listens for; any other name the platform
 * knows works too ({@code new SignalKind("WINCH")}, {@code "SIGWINCH"} or {@code "winch"}). Whether a signal can be
 * listened for is decided by {@link Signal#of(SignalKind)}, which rejects the ones the JVM reserves.
 *
 * @param name the signal's name in upper case, without {@code SIG}
 */
public record SignalKind(String name) {
    /** Hang-up: the controlling terminal closed, or by convention "reload your configuration". */
    public static final SignalKind HUP = new SignalKind("HUP");
    /** Interrupt: Ctrl-C at the terminal (see {@link Signal#ctrlC()}). */
    public static final SignalKind INT = new SignalKind("INT");
    /** Terminate: a polite request to stop ({@code kill} without options, container shutdown). */
    public static final SignalKind TERM = new SignalKind("TERM");
    /** User-defined signal 1. */
    public static final SignalKind USR1 = new SignalKind("USR1");
    /** User-defined signal 2. <b>Reserved by HotSpot</b> (its thread suspend/resume signal): listening fails. */
    public static final SignalKind USR2 = new SignalKind("USR2");
    /** Quit: Ctrl-\ at the terminal. <b>Reserved by the JVM</b> (it prints a thread dump): listening fails. */
    public static final SignalKind QUIT = new SignalKind("QUIT");
    /** Alarm clock. */
    public static final SignalKind ALRM = new SignalKind("ALRM");
    /** A child process stopped or ended. */
    public static final SignalKind CHLD = new SignalKind("CHLD");
    /** Write to a pipe with no reader (the JVM otherwise ignores it, so writes fail with "Broken pipe"). */
    public static final SignalKind PIPE = new SignalKind("PIPE");
    /** The terminal window changed size. */
    public static final SignalKind WINCH = new SignalKind("WINCH");
    /** I/O is possible on a descriptor set up for it. */
    public static final SignalKind IO = new SignalKind("IO");

    /**
     * @param name a signal name, with or without {@code SIG}, in any case
     * @throws IllegalArgumentException if it is empty or not a name ({@code [A-Z0-9]+} after the prefix)
     */
    public SignalKind {
        Objects.requireNonNull(name, "name");
        String n = name.strip().toUpperCase(Locale.ROOT);
        if (n.startsWith("SIG")) {
            n = n.substring(3);
        }
        if (n.isEmpty() || !n.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            throw new IllegalArgumentException("name : \"" + name + "\" (expected: a signal name such as HUP, SIGTERM"
                    + " or usr1)");
        }
        name = n;
    }

    /** @return {@code "SIG" + name}, as the operating system names it */
    @Override
    public String toString() {
        return "SIG" + name;
    }
}
