package io.cortado.fs;

import io.cortado.Future;
import io.cortado.stream.Stream;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.CopyOption;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Asynchronous filesystem operations, as Tokio's {@code tokio::fs}: each one is a lazy future that runs the
 * corresponding {@link java.nio.file.Files} call on the runtime's blocking pool ({@link io.cortado.Handle#spawnBlocking})
 * when it is first polled, so the threads that poll futures never wait for the disk. Operating systems offer no
 * portable non-blocking file I/O; this is what Tokio does too. For many small reads and writes on one file, open an
 * {@link AsyncFile}, which batches them.
 *
 * <h2>Failures</h2>
 * A future fails with an {@link java.io.UncheckedIOException} whose cause is the JDK's exception:
 * {@link NoSuchFileException} for a missing file, {@link java.nio.file.FileAlreadyExistsException},
 * {@link java.nio.file.DirectoryNotEmptyException}, {@link java.nio.file.AccessDeniedException},
 * {@link java.nio.file.NotDirectoryException}, and so on (a "too many open files" failure becomes
 * {@link io.cortado.io.TooManyOpenFilesException}). A {@code null} argument throws a {@link NullPointerException}
 * naming the parameter at the call, before anything runs.
 *
 * <h2>Cancel safety (every method)</h2>
 * Cancelling a future before its blocking call started means the call never runs: nothing is read, written,
 * created or removed. <b>Once the call has started it runs to completion</b> (a blocking call cannot be stopped
 * safely) and only its result is dropped: a cancelled {@code write} may still have written the file, a cancelled
 * {@code removeFile} may still have removed it. A future that must not be half-done should not be raced in a
 * {@code select} or a timeout.
 *
 * <p>Every future needs a runtime when it is first polled ({@link io.cortado.Handle#current()}), and throws
 * {@link IllegalStateException} there otherwise.
 */
public final class Fs {
    /** How many directory entries {@link #readDir} fetches per blocking call (Tokio uses 32). */
    static final int READ_DIR_BATCH = 64;

    private Fs() {
    }

    /**
     * Reads a whole file ({@link Files#readAllBytes}).
     *
     * <p><b>Cancel safety:</b> nothing is lost: the file is only read (see the class comment).
     *
     * @param path the file
     * @return a future of its bytes
     */
    public static Future<byte[]> readAllBytes(Path path) {
        Objects.requireNonNull(path, "path");
        return BlockingCall.of("read " + path, () -> Files.readAllBytes(path));
    }

    /**
     * Reads a whole file as UTF-8 text ({@link Files#readString(Path)}); malformed input fails the future with a
     * {@link java.nio.charset.MalformedInputException} cause.
     *
     * <p><b>Cancel safety:</b> nothing is lost: the file is only read.
     *
     * @param path the file
     * @return a future of its text
     */
    public static Future<String> readString(Path path) {
        return readString(path, StandardCharsets.UTF_8);
    }

    /**
     * Reads a whole file as text in {@code charset} ({@link Files#readString(Path, Charset)}).
     *
     * <p><b>Cancel safety:</b> nothing is lost: the file is only read.
     *
     * @param path    the file
     * @param charset its encoding
     * @return a future of its text
     */
    public static Future<String> readString(Path path, Charset charset) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(charset, "charset");
        return BlockingCall.of("read " + path, () -> Files.readString(path, charset));
    }

    /**
     * Writes {@code bytes} to a file ({@link Files#write(Path, byte[], OpenOption...)}): by default creates it or
     * truncates it first. The array is copied when this method is called, so the caller may reuse it at once.
     *
     * <p><b>Cancel safety:</b> cancelled before the blocking call started, nothing is written; after, the whole
     * write happens (or fails) anyway, unobserved.
     *
     * @param path    the file
     * @param bytes   the new contents
     * @param options how to open the file (none: {@code CREATE, TRUNCATE_EXISTING, WRITE})
     * @return a future that completes when the bytes were handed to the operating system (not synced: use
     * {@link AsyncFile#sync()} for durability)
     */
    public static Future<Void> write(Path path, byte[] bytes, OpenOption... options) {
        Objects.requireNonNull(path, "path");
        byte[] copy = Objects.requireNonNull(bytes, "bytes").clone();
        OpenOption[] opts = checkOptions(options);
        return BlockingCall.of("write " + path, () -> {
            Files.write(path, copy, opts);
            return null;
        });
    }

    /**
     * Writes {@code text} to a file as UTF-8 ({@link Files#writeString(Path, CharSequence, OpenOption...)}).
     * The text is converted to a {@code String} when this method is called.
     *
     * <p><b>Cancel safety:</b> as {@link #write}.
     *
     * @param path    the file
     * @param text    the new contents
     * @param options how to open the file (none: {@code CREATE, TRUNCATE_EXISTING, WRITE})
     * @return a future that completes when the text was written
     */
    public static Future<Void> writeString(Path path, CharSequence text, OpenOption... options) {
        Objects.requireNonNull(path, "path");
        String s = Objects.requireNonNull(text, "text").toString();
        OpenOption[] opts = checkOptions(options);
        return BlockingCall.of("write " + path, () -> {
            Files.writeString(path, s, StandardCharsets.UTF_8, opts);
            return null;
        });
    }

    /**
     * Creates a directory whose parent exists ({@link Files#createDirectory}); fails with
     * {@link java.nio.file.FileAlreadyExistsException} if something exists there.
     *
     * <p><b>Cancel safety:</b> cancelled after the call started, the directory may exist.
     *
     * @param dir the new directory
     * @return a future that completes when it exists
     */
    public static Future<Void> createDirectory(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return BlockingCall.of("create directory " + dir, () -> {
            Files.createDirectory(dir);
            return null;
        });
    }

    /**
     * Creates a directory and any missing parents ({@link Files#createDirectories}); succeeds if it already exists.
     *
     * <p><b>Cancel safety:</b> cancelled after the call started, some of the directories may exist.
     *
     * @param dir the directory
     * @return a future that completes when it exists
     */
    public static Future<Void> createDirectories(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return BlockingCall.of("create directories " + dir, () -> {
            Files.createDirectories(dir);
            return null;
        });
    }

    /**
     * Removes a file or a symbolic link (not what it points to); fails with {@link NoSuchFileException} if nothing
     * is there, and with a {@link FileSystemException} if {@code file} is a directory.
     *
     * <p><b>Cancel safety:</b> cancelled after the call started, the file may be gone.
     *
     * @param file the file
     * @return a future that completes when it is removed
     */
    public static Future<Void> removeFile(Path file) {
        Objects.requireNonNull(file, "file");
        return BlockingCall.of("remove " + file, () -> {
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileSystemException(file.toString(), null,
                        "is a directory (use removeDirectory or removeDirectoryAll)");
            }
            Files.delete(file);
            return null;
        });
    }

    /**
     * Removes an empty directory; fails with {@link java.nio.file.DirectoryNotEmptyException} if it has entries,
     * {@link java.nio.file.NotDirectoryException} if it is not a directory.
     *
     * <p><b>Cancel safety:</b> cancelled after the call started, the directory may be gone.
     *
     * @param dir the directory
     * @return a future that completes when it is removed
     */
    public static Future<Void> removeDirectory(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return BlockingCall.of("remove directory " + dir, () -> {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new java.nio.file.NotDirectoryException(dir.toString());
            }
            Files.delete(dir);
            return null;
        });
    }

    /**
     * Removes a directory and everything in it, as {@code rm -r} (Tokio's {@code remove_dir_all}). Symbolic links
     * are removed, never followed. Fails with {@link NoSuchFileException} if {@code dir} does not exist.
     *
     * <p><b>Cancel safety:</b> cancelled after the call started, the whole tree is still removed.
     *
     * @param dir the directory
     * @return a future that completes when the tree is gone
     */
    public static Future<Void> removeDirectoryAll(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return BlockingCall.of("remove directory tree " + dir, () -> {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
            return null;
        });
    }

    /**
     * Renames (moves) a file or directory, replacing a file at {@code target} if there is one, as Tokio's
     * {@code rename} and POSIX {@code rename(2)} do ({@link Files#move} with {@code REPLACE_EXISTING}).
     *
     * <p><b>Cancel safety:</b> cancelled after the call started, the move still happens.
     *
     * @param source the existing path
     * @param target the new path
     * @return a future that completes when moved
     */
    public static Future<Void> rename(Path source, Path target) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        return BlockingCall.of("rename " + source + " to " + target, () -> {
            Files.move(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return null;
        });
    }

    /**
     * Copies a file ({@link Files#copy(Path, Path, CopyOption...)}): by default fails with
     * {@link java.nio.file.FileAlreadyExistsException} if {@code target} exists; pass
     * {@link java.nio.file.StandardCopyOption#REPLACE_EXISTING} to overwrite.
     *
     * <p><b>Cancel safety:</b> cancelled after the call started, the copy is completed anyway.
     *
     * @param source  the file to copy
     * @param target  the copy
     * @param options copy options
     * @return a future of the number of bytes copied (the size of {@code target})
     */
    public static Future<Long> copy(Path source, Path target, CopyOption... options) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        CopyOption[] opts = Objects.requireNonNull(options, "options").clone();
        for (int i = 0; i < opts.length; i++) {
            Objects.requireNonNull(opts[i], "options[" + i + "]");
        }
        return BlockingCall.of("copy " + source + " to " + target, () -> {
            Files.copy(source, target, opts);
            return Files.size(target);
        });
    }

    /**
     * Reads a file's basic attributes: size, times, kind ({@link Files#readAttributes(Path, Class, LinkOption...)}).
     *
     * <p><b>Cancel safety:</b> nothing is lost.
     *
     * @param path    the file
     * @param options {@link LinkOption#NOFOLLOW_LINKS} to describe a link itself (Tokio's
     *                {@code symlink_metadata})
     * @return a future of the attributes; fails with {@link NoSuchFileException} if nothing is there
     */
    public static Future<BasicFileAttributes> metadata(Path path, LinkOption... options) {
        Objects.requireNonNull(path, "path");
        LinkOption[] opts = Objects.requireNonNull(options, "options").clone();
        return BlockingCall.of("metadata of " + path,
                () -> Files.readAttributes(path, BasicFileAttributes.class, opts));
    }

    /**
     * Whether something exists at {@code path}, following links. Unlike {@link Files#exists}, which answers
     * {@code false} when it cannot tell, this fails when the answer is unknown (for example
     * {@link java.nio.file.AccessDeniedException} on a parent), as Tokio's {@code try_exists}.
     *
     * <p><b>Cancel safety:</b> nothing is lost.
     *
     * @param path the path
     * @return a future of the answer
     */
    public static Future<Boolean> exists(Path path) {
        Objects.requireNonNull(path, "path");
        return BlockingCall.of("exists " + path, () -> {
            try {
                Files.readAttributes(path, BasicFileAttributes.class);
                return true;
            } catch (NoSuchFileException e) {
                return false;
            }
        });
    }

    /**
     * Lists a directory as a stream of its entries' paths ({@code dir.resolve(name)}), in the order the directory
     * gives them, without {@code .} and {@code ..}. Entries are fetched on the blocking pool in batches of
     * {@value #READ_DIR_BATCH}, one batch in flight at a time; the directory is opened at the first poll and
     * closed at the end of the stream, on a failure, or when the stream is cancelled. A directory that changes
     * while it is listed may or may not show the change (as {@link Files#newDirectoryStream(Path)}).
     *
     * <p>Fails (from {@code pollNext}) with {@link NoSuchFileException} or
     * {@link java.nio.file.NotDirectoryException} at the first poll.
     *
     * <p><b>Cancel safety:</b> {@code pollNext} is cancel-safe: entries fetched but not yet returned stay in the
     * stream for the next poll. Cancelling the stream itself closes the directory (at once, or as soon as an
     * in-flight batch finishes).
     *
     * @param dir the directory
     * @return the stream of entries
     */
    public static Stream<Path> readDir(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return new ReadDir(dir, READ_DIR_BATCH);
    }

    private static OpenOption[] checkOptions(OpenOption[] options) {
        OpenOption[] opts = Objects.requireNonNull(options, "options").clone();
        for (int i = 0; i < opts.length; i++) {
            Objects.requireNonNull(opts[i], "options[" + i + "]");
        }
        return opts;
    }
}
