package io.cortado.process;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.Poll;
import io.cortado.io.IoErrors;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds and starts child processes, as Tokio's {@code tokio::process::Command} (over {@link ProcessBuilder}):
 * program, arguments, environment, working directory, what each standard stream is connected to, and whether
 * abandoning the child kills it.
 *
 * <pre>{@code
 * Output out = rt.blockOn(new Command("git").args("rev-parse", "HEAD").output());
 * Child cat = new Command("cat").stdin(Stdio.PIPED).stdout(Stdio.PIPED).spawn();
 * }</pre>
 *
 * A command is reusable: each {@code spawn} starts a new child with the settings of that moment. Not thread-safe
 * while it is being configured. Arguments are checked when a method is called ({@link IllegalArgumentException}
 * naming the parameter; {@link NullPointerException} for {@code null}).
 *
 * <p>Starting a child ({@link ProcessBuilder#start()}: fork and exec) is a short blocking system call that
 * {@link #spawn()} makes on the calling thread, as Tokio does; a program that cannot be started fails with an
 * {@link java.io.UncheckedIOException} carrying the JDK's {@link IOException} ("No such file or directory" ...).
 */
public final class Command {
    private static final File NULL_FILE =
            new File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");

    private final String program;
    private final List<String> args = new ArrayList<>();
    /** Changes to the inherited environment, in order; a {@code null} value removes the variable. */
    private final Map<String, String> envChanges = new LinkedHashMap<>();
    private boolean envClear;
    private Path directory;
    private Stdio stdin;
    private Stdio stdout;
    private Stdio stderr;
    private boolean killOnCancel;

    /**
     * @param program the program: a name looked up on the {@code PATH}, or a path
     * @throws IllegalArgumentException if it is empty or contains a NUL character
     */
    public Command(String program) {
        this.program = checkText(Objects.requireNonNull(program, "program"), "program");
        if (program.isEmpty()) {
            throw new IllegalArgumentException("program : \"\" (expected: a program name or path)");
        }
    }

    private Command(Command c) {
        this.program = c.program;
        this.args.addAll(c.args);
        this.envChanges.putAll(c.envChanges);
        this.envClear = c.envClear;
        this.directory = c.directory;
        this.stdin = c.stdin;
        this.stdout = c.stdout;
        this.stderr = c.stderr;
        this.killOnCancel = c.killOnCancel;
    }

    /**
     * @param arg one more argument
     * @return this command
     * @throws IllegalArgumentException if it contains a NUL character
     */
    public Command arg(String arg) {
        args.add(checkText(Objects.requireNonNull(arg, "arg"), "arg"));
        return this;
    }

    /**
     * @param args more arguments
     * @return this command
     * @throws IllegalArgumentException if one contains a NUL character
     */
    public Command args(String... args) {
        Objects.requireNonNull(args, "args");
        for (int i = 0; i < args.length; i++) {
            this.args.add(checkText(Objects.requireNonNull(args[i], "args[" + i + "]"), "args[" + i + "]"));
        }
        return this;
    }

    /**
     * @param args more arguments
     * @return this command
     */
    public Command args(List<String> args) {
        return args(Objects.requireNonNull(args, "args").toArray(String[]::new));
    }

    /**
     * Sets an environment variable for the child (the child inherits this process's environment otherwise).
     *
     * @param key   the name: not empty, without {@code '='} or NUL
     * @param value the value: without NUL
     * @return this command
     * @throws IllegalArgumentException if the name or value is malformed
     */
    public Command env(String key, String value) {
        envChanges.remove(checkKey(key));
        envChanges.put(key, checkText(Objects.requireNonNull(value, "value"), "value"));
        return this;
    }

    /**
     * Removes an inherited environment variable from the child's environment.
     *
     * @param key the name
     * @return this command
     */
    public Command envRemove(String key) {
        envChanges.remove(checkKey(key));
        envChanges.put(key, null);
        return this;
    }

    /**
     * Starts the child with an empty environment (plus what {@link #env} sets afterwards).
     *
     * @return this command
     */
    public Command envClear() {
        envClear = true;
        envChanges.clear();
        return this;
    }

    /**
     * @param dir the child's working directory (default: this process's); a missing one fails the start
     * @return this command
     */
    public Command directory(Path dir) {
        this.directory = Objects.requireNonNull(dir, "dir");
        return this;
    }

    /**
     * @param cfg the child's standard input (default {@link Stdio#INHERIT}; {@link Stdio#NULL} for {@link #output()})
     * @return this command
     */
    public Command stdin(Stdio cfg) {
        this.stdin = Objects.requireNonNull(cfg, "cfg");
        return this;
    }

    /**
     * @param cfg the child's standard output (default {@link Stdio#INHERIT}; {@link Stdio#PIPED} for
     *            {@link #output()})
     * @return this command
     */
    public Command stdout(Stdio cfg) {
        this.stdout = Objects.requireNonNull(cfg, "cfg");
        return this;
    }

    /**
     * @param cfg the child's standard error (default {@link Stdio#INHERIT}; {@link Stdio#PIPED} for
     *            {@link #output()})
     * @return this command
     */
    public Command stderr(Stdio cfg) {
        this.stderr = Objects.requireNonNull(cfg, "cfg");
        return this;
    }

    /**
     * Whether abandoning the child kills it, as Tokio's {@code kill_on_drop}: with {@code true}, cancelling a
     * pending {@link Child#waitFor()}, {@link Child#output()}, {@link #status()} or {@link #output()} future kills
     * the child (SIGKILL), and so does the shutdown of its runtime. Default {@code false}: the child runs on.
     *
     * @param kill whether to kill
     * @return this command
     */
    public Command killOnCancel(boolean kill) {
        this.killOnCancel = kill;
        return this;
    }

    /**
     * Starts the child on the current runtime (whose blocking pool serves its pipes).
     *
     * @return the running child
     * @throws java.io.UncheckedIOException if it cannot be started
     * @throws IllegalStateException        if no runtime runs this thread
     */
    public Child spawn() {
        return spawn(Handle.current());
    }

    /**
     * Starts the child on {@code runtime}, from any thread.
     *
     * @param runtime the runtime whose blocking pool serves the child's pipes
     * @return the running child
     * @throws java.io.UncheckedIOException if it cannot be started
     */
    public Child spawn(Handle runtime) {
        Objects.requireNonNull(runtime, "runtime");
        return start(runtime, Stdio.INHERIT, Stdio.INHERIT, Stdio.INHERIT);
    }

    /**
     * Starts the child when first polled and completes with its exit status. Streams default to
     * {@link Stdio#INHERIT}; a stream configured as {@link Stdio#PIPED} is closed at once (nobody would read it).
     * The command's settings are copied when this method is called.
     *
     * <p><b>Cancel safety:</b> cancelling loses nothing but the status, unless {@link #killOnCancel(boolean)
     * killOnCancel(true)}: then a started child is killed.
     *
     * @return the future; it fails with {@link java.io.UncheckedIOException} if the child cannot be started
     */
    public Future<ExitStatus> status() {
        Command snapshot = new Command(this);
        return new Future<>() {
            private Future<ExitStatus> exit;

            @Override
            public Poll<ExitStatus> poll(Context cx) {
                if (exit == null) {
                    Child c = snapshot.start(Handle.current(), Stdio.INHERIT, Stdio.INHERIT, Stdio.INHERIT);
                    c.closePipes();
                    exit = c.waitFor();
                }
                return exit.poll(cx);
            }

            @Override
            public void cancel() {
                if (exit != null) {
                    exit.cancel();
                }
            }
        };
    }

    /**
     * Starts the child when first polled, collects its standard output and error and waits for it to exit, as
     * Tokio's {@code output()}. Unless configured otherwise, stdout and stderr are {@link Stdio#PIPED} and stdin is
     * {@link Stdio#NULL} (the child reads end of file). The settings are copied when this method is called.
     *
     * <p><b>Cancel safety:</b> not cancel-safe: the output collected so far is lost (and a started child is killed
     * with {@code killOnCancel(true)}).
     *
     * @return the future of the status and output
     */
    public Future<Output> output() {
        Command snapshot = new Command(this);
        return new Future<>() {
            private Future<Output> out;

            @Override
            public Poll<Output> poll(Context cx) {
                if (out == null) {
                    out = snapshot.start(Handle.current(), Stdio.NULL, Stdio.PIPED, Stdio.PIPED).output();
                }
                return out.poll(cx);
            }

            @Override
            public void cancel() {
                if (out != null) {
                    out.cancel();
                }
            }
        };
    }

    private Child start(Handle runtime, Stdio defaultIn, Stdio defaultOut, Stdio defaultErr) {
        List<String> cmd = new ArrayList<>(args.size() + 1);
        cmd.add(program);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        if (envClear || !envChanges.isEmpty()) {
            Map<String, String> env = pb.environment();
            if (envClear) {
                env.clear();
            }
            envChanges.forEach((k, v) -> {
                if (v == null) {
                    env.remove(k);
                } else {
                    env.put(k, v);
                }
            });
        }
        Stdio in = stdin != null ? stdin : defaultIn;
        Stdio out = stdout != null ? stdout : defaultOut;
        Stdio err = stderr != null ? stderr : defaultErr;
        pb.redirectInput(switch (in) {
            case INHERIT -> Redirect.INHERIT;
            case PIPED -> Redirect.PIPE;
            case NULL -> Redirect.from(NULL_FILE);
        });
        pb.redirectOutput(output(out));
        pb.redirectError(output(err));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw IoErrors.unchecked(e, "start " + program);
        }
        return new Child(p, runtime, killOnCancel, program, in == Stdio.PIPED, out == Stdio.PIPED,
                err == Stdio.PIPED);
    }

    private static Redirect output(Stdio cfg) {
        return switch (cfg) {
            case INHERIT -> Redirect.INHERIT;
            case PIPED -> Redirect.PIPE;
            case NULL -> Redirect.DISCARD;
        };
    }

    private static String checkText(String s, String name) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(name + " : \"" + s.replace("\0", "\\0")
                    + "\" (expected: no NUL character)");
        }
        return s;
    }

    private static String checkKey(String key) {
        Objects.requireNonNull(key, "key");
        checkText(key, "key");
        if (key.isEmpty() || key.indexOf('=') >= 0) {
            throw new IllegalArgumentException("key : \"" + key + "\" (expected: a non-empty name without '=')");
        }
        return key;
    }

    @Override
    public String toString() {
        return "Command" + (args.isEmpty() ? "[" + program + "]" : "[" + program + " " + String.join(" ", args) + "]");
    }
}
