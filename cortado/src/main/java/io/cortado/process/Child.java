package io.cortado.process;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Handle;
import io.cortado.Poll;
import io.cortado.io.AsyncRead;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A running child process started by {@link Command#spawn()}, as Tokio's {@code tokio::process::Child}: its pipes
 * as {@link AsyncRead}/{@link io.cortado.io.AsyncWrite}, a future of its exit, and {@link #kill()}.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li><b>Pipes.</b> Each piped stream is read or written by at most one blocking call at a time on the runtime's
 *       blocking pool, with one bounded buffer ({@link ChildOutput}, {@link ChildStdin}). A blocking read ends when
 *       the child writes or its end of the pipe closes, which happens at the latest when the child exits.</li>
 *   <li><b>Exit.</b> {@link #waitFor()} completes from {@link Process#onExit()} (the JDK's process reaper), so
 *       waiting holds no thread of the runtime. It does not close {@link #stdin()}: a child that reads its input to
 *       the end (such as {@code cat}) needs {@code stdin().shutdown()} first, and a child whose piped output nobody
 *       reads may block once the pipe is full.</li>
 *   <li><b>Kill on cancel.</b> With {@link Command#killOnCancel(boolean) killOnCancel(true)}, cancelling a
 *       {@code waitFor()} (or {@code output()}, {@code Command.status()}, {@code Command.output()}) future that has
 *       not completed kills the child, as Tokio's {@code kill_on_drop}; so does the runtime's shutdown.</li>
 *   <li><b>No thread outlives the runtime.</b> Each child has a small guard task on its runtime that completes when
 *       the child exits. If the runtime shuts down first, the guard (cancelled with every task) closes the child's
 *       pipes and, <b>if a blocking read or write on one of them is still running, kills the child</b>: Java cannot
 *       interrupt a blocking pipe operation, the runtime's shutdown waits for its blocking work, and only the end of
 *       the child ends that operation. A child with no pipe operation running (and without {@code killOnCancel})
 *       is left running, as in Tokio. A child spawned onto a runtime that has already shut down is treated as if the
 *       shutdown came right after the spawn: its pipes are closed at once. <b>Caveat:</b> a grandchild that inherited the pipe keeps it open after the
 *       child ends; a pipe operation it holds up keeps the runtime's shutdown waiting.</li>
 * </ol>
 * Guarded by {@code ProcessTest}.
 */
public final class Child {
    private final Process process;
    private final boolean killOnCancel;
    private final ChildStdin stdin;
    private final ChildOutput stdout;
    private final ChildOutput stderr;
    private final String description;

    Child(Process process, Handle runtime, boolean killOnCancel, String description,
          boolean pipedIn, boolean pipedOut, boolean pipedErr) {
        this.process = process;
        this.killOnCancel = killOnCancel;
        this.description = description + " (pid " + process.pid() + ")";
        this.stdin = pipedIn
                ? new ChildStdin(process.getOutputStream(), runtime, process, "stdin of " + this.description) : null;
        this.stdout = pipedOut
                ? new ChildOutput(process.getInputStream(), runtime, "stdout of " + this.description) : null;
        this.stderr = pipedErr
                ? new ChildOutput(process.getErrorStream(), runtime, "stderr of " + this.description) : null;
        runtime.spawn(new Guard()); // rule 4; its handle is dropped (detached)
    }

    /** @return the child's process id */
    public long pid() {
        return process.pid();
    }

    /**
     * @return the child's standard input
     * @throws IllegalStateException if it was not {@linkplain Command#stdin(Stdio) piped}
     */
    public ChildStdin stdin() {
        if (stdin == null) {
            throw new IllegalStateException("stdin of " + description + " is not piped: use Command.stdin(Stdio.PIPED)");
        }
        return stdin;
    }

    /**
     * @return the child's standard output
     * @throws IllegalStateException if it was not {@linkplain Command#stdout(Stdio) piped}
     */
    public ChildOutput stdout() {
        if (stdout == null) {
            throw new IllegalStateException("stdout of " + description
                    + " is not piped: use Command.stdout(Stdio.PIPED)");
        }
        return stdout;
    }

    /**
     * @return the child's standard error
     * @throws IllegalStateException if it was not {@linkplain Command#stderr(Stdio) piped}
     */
    public ChildOutput stderr() {
        if (stderr == null) {
            throw new IllegalStateException("stderr of " + description
                    + " is not piped: use Command.stderr(Stdio.PIPED)");
        }
        return stderr;
    }

    /**
     * A future of the child's exit (rule 2). It may be called any number of times; each future completes with the
     * same status.
     *
     * <p><b>Cancel safety:</b> cancelling loses nothing (call it again), except that with
     * {@link Command#killOnCancel(boolean) killOnCancel(true)} cancelling a future that has not completed kills the
     * child (rule 3).
     *
     * @return the future of its exit status
     */
    public Future<ExitStatus> waitFor() {
        return new Wait();
    }

    /** @return the exit status if the child has exited, without waiting */
    public Optional<ExitStatus> tryWait() {
        return process.isAlive() ? Optional.empty() : Optional.of(new ExitStatus(process.exitValue()));
    }

    /**
     * Kills the child forcibly (SIGKILL on POSIX; {@link Process#destroyForcibly()}); does nothing if it has already
     * exited. Returns at once: await {@link #waitFor()} to see it gone (its status is then 137 on POSIX).
     */
    public void kill() {
        process.destroyForcibly();
    }

    /**
     * Reads the piped standard output and error to their end, concurrently, and waits for the child to exit, as
     * Tokio's {@code wait_with_output}. Streams that are not piped give empty arrays; bytes already taken through
     * {@link #stdout()}/{@link #stderr()} are not in the result.
     *
     * <p><b>Cancel safety:</b> not cancel-safe: the bytes collected so far are lost (and with
     * {@code killOnCancel(true)} the child is killed).
     *
     * @return the future of the status and the collected output
     */
    public Future<Output> output() {
        return new Collect();
    }

    @Override
    public String toString() {
        return "Child[" + description + "]";
    }

    /** Closes the pipes nobody will use (Command.status()). */
    void closePipes() {
        if (stdin != null) {
            stdin.closeNow();
        }
        if (stdout != null) {
            stdout.close();
        }
        if (stderr != null) {
            stderr.close();
        }
    }


    /** Rule 2 and 3. */
    private final class Wait implements Future<ExitStatus> {
        private Future<Process> exit;
        private boolean done;

        @Override
        public Poll<ExitStatus> poll(Context cx) {
            if (exit == null) {
                if (!process.isAlive()) {
                    done = true;
                    return Poll.ready(new ExitStatus(process.exitValue()));
                }
                exit = Futures.fromCompletionStage(process.onExit());
            }
            if (!exit.poll(cx).isReady()) {
                cx.waitingOn(this); // the child, not the CompletionStage underneath
                return Poll.pending();
            }
            done = true;
            return Poll.ready(new ExitStatus(process.exitValue()));
        }

        /** For task dumps. */
        @Override
        public String toString() {
            return "exit of child " + description;
        }

        @Override
        public void cancel() {
            if (done) {
                return;
            }
            done = true;
            if (exit != null) {
                exit.cancel(); // our own dependent stage of onExit(): the JDK's reaper is not affected
            }
            if (killOnCancel) {
                process.destroyForcibly();
            }
        }
    }

    /** {@link #output()}: both pipes to their end, and the exit. */
    private final class Collect implements Future<Output> {
        private final Future<ExitStatus> exit = new Wait();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final ByteBuffer buf = ByteBuffer.allocate(ChildOutput.CHUNK);
        private boolean outDone = stdout == null;
        private boolean errDone = stderr == null;
        private ExitStatus status;

        @Override
        public Poll<Output> poll(Context cx) {
            if (!outDone) {
                outDone = drain(cx, stdout, out);
            }
            if (!errDone) {
                errDone = drain(cx, stderr, err);
            }
            if (status == null) {
                Poll<ExitStatus> p = exit.poll(cx);
                if (p.isReady()) {
                    status = p.value();
                }
            }
            if (outDone && errDone && status != null) {
                return Poll.ready(new Output(status, out.toByteArray(), err.toByteArray()));
            }
            return Poll.pending();
        }

        /** @return whether the stream ended; otherwise a read is pending and will wake the task */
        private boolean drain(Context cx, ChildOutput from, ByteArrayOutputStream to) {
            for (; ; ) {
                buf.clear();
                int n = from.pollRead(cx, buf);
                if (n == AsyncRead.EOF) {
                    return true;
                }
                if (n == AsyncRead.PENDING) {
                    return false;
                }
                to.write(buf.array(), 0, n);
            }
        }

        @Override
        public void cancel() {
            if (status == null) {
                exit.cancel();
            }
        }
    }

    /** Rule 4: completes when the child exits; cancelled only by the runtime's shutdown. */
    private final class Guard implements Future<Void> {
        private Future<Process> exit;

        @Override
        public Poll<Void> poll(Context cx) {
            if (exit == null) {
                exit = Futures.fromCompletionStage(process.onExit());
            }
            return exit.poll(cx).isReady() ? Poll.ready(null) : Poll.pending();
        }

        @Override
        public void cancel() {
            if (exit != null) {
                exit.cancel();
            }
            boolean blocked = false;
            if (stdin != null) {
                blocked |= stdin.runtimeShutDown();
            }
            if (stdout != null) {
                blocked |= stdout.runtimeShutDown();
            }
            if (stderr != null) {
                blocked |= stderr.runtimeShutDown();
            }
            if (killOnCancel || blocked) {
                process.destroyForcibly();
            }
        }
    }
}
