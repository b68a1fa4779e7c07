package io.cortado.process;

/**
 * How a child process ended: its exit code, as {@link Process#exitValue()} reports it.
 *
 * <p><b>Note:</b> on POSIX systems the JDK reports a child ended by signal {@code n} as code {@code 128 + n} (so
 * {@link Child#kill()}, SIGKILL, gives 137), which cannot be told apart from a child that called {@code exit(137)}.
 *
 * @param code the exit code; {@code 0} means success
 */
public record ExitStatus(int code) {

    /** @return whether the child exited with code 0 */
    public boolean success() {
        return code == 0;
    }

    @Override
    public String toString() {
        return "exit status " + code;
    }
}
