package io.cortado.process;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What {@link Command#output()} and {@link Child#output()} collect: the exit status and everything the child wrote
 * to its piped standard output and error (an empty array for a stream that was not piped).
 *
 * <p>The arrays are the collected bytes themselves (not copies).
 *
 * @param status how the child ended
 * @param stdout its standard output
 * @param stderr its standard error
 */
public record Output(ExitStatus status, byte[] stdout, byte[] stderr) {

    /** @throws NullPointerException if an argument is {@code null} */
    public Output {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    /** @return the standard output decoded as UTF-8 */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** @return the standard error decoded as UTF-8 */
    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Output[" + status + ", stdout " + stdout.length + " bytes, stderr " + stderr.length + " bytes]";
    }
}
