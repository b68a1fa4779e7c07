package io.cortado.async.compiler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Compiles every class of a directory of class files (what the Maven plugin's {@code transform} and
 * {@code transform-tests} goals run).
 *
 * <ol>
 *   <li>Each {@code .class} file under the input directory goes through {@link AsyncCompiler#compile}; a class with
 *       async methods is written to the same relative path under the output directory, and its frame classes beside
 *       it (frames a previous run left for that class, {@code Host$async$*.class}, are deleted first).</li>
 *   <li>When the output directory is the input directory (the default: in place), other files are left alone.
 *       When it is another directory, every other file (unchanged classes, resources) is copied there too, so the
 *       output is a complete replacement of the input.</li>
 *   <li>Types are read from class files, never by loading classes: first from the input directory, then from the
 *       class path (directories and jars, read as resources of a {@link URLClassLoader} whose parent is the
 *       platform class loader, so the JDK's classes are found but nothing of the user's is ever loaded or
 *       initialised).</li>
 *   <li>Every class is tried: the problems of all rejected awaits are collected and thrown together at the end, in
 *       file order. Running again on a compiled directory changes nothing (a compiled class has no await left).</li>
 * </ol>
 */
public final class CompileDirectory {
    private CompileDirectory() {
    }

    /**
     * What a run did.
     *
     * @param compiled the classes that had async methods (rewritten)
     * @param frames   the frame classes written
     * @param copied   the files copied unchanged to a separate output directory (0 in place)
     */
    public record Result(int compiled, int frames, int copied) {
    }

    /**
     * Compiles the classes of {@code input} into {@code output}.
     *
     * @param input     the directory of class files (a missing directory is an empty one)
     * @param output    where to write: {@code input} itself to compile in place
     * @param classpath the class path the classes were compiled against (directories and jars; entries that do
     *                  not exist are ignored)
     * @return what was done
     * @throws AsyncCompileException listing the problems of every class that could not be compiled (the other
     *                               classes are written all the same)
     * @throws IOException           if a file cannot be read or written
     */
    public static Result run(Path input, Path output, List<Path> classpath) throws AsyncCompileException,
            IOException {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(classpath, "classpath");
        if (!Files.isDirectory(input)) {
            return new Result(0, 0, 0);
        }
        boolean inPlace = Files.isDirectory(output) && Files.isSameFile(input, output);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(input)) {
            files = walk.filter(Files::isRegularFile).sorted().toList(); // listed first: frames are added as we go
        }
        List<String> problems = new ArrayList<>();
        int compiled = 0;
        int frames = 0;
        int copied = 0;
        try (URLClassLoader resources = new URLClassLoader(urls(classpath), ClassLoader.getPlatformClassLoader())) {
            ClassHierarchy hierarchy = new ClassHierarchy(name -> read(input, resources, name));
            for (Path file : files) {
                if (!Files.exists(file)) {
                    continue; // an old frame that compiling its host just deleted
                }
                Path rel = input.relativize(file);
                Path target = output.resolve(rel.toString());
                AsyncCompiler.Output out = null;
                if (file.getFileName().toString().endsWith(".class")) {
                    byte[] bytes = Files.readAllBytes(file);
                    try {
                        out = AsyncCompiler.compile(bytes, hierarchy);
                    } catch (AsyncCompileException e) {
                        problems.addAll(e.problems());
                    } catch (RuntimeException e) {
                        throw new IllegalStateException("cortado-async: cannot compile " + file + ": " + e, e);
                    }
                }
                if (out != null) {
                    Files.createDirectories(target.getParent());
                    deleteOldFrames(target);
                    Files.write(target, out.host());
                    for (Map.Entry<String, byte[]> f : out.frames().entrySet()) {
                        Files.write(output.resolve(f.getKey() + ".class"), f.getValue());
                        frames++;
                    }
                    compiled++;
                } else if (!inPlace) {
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                    copied++;
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new AsyncCompileException(problems);
        }
        return new Result(compiled, frames, copied);
    }

    /** Deletes the frames that an earlier run wrote for the class file {@code host} ({@code Host$async$*.class}). */
    private static void deleteOldFrames(Path host) throws IOException {
        String name = host.getFileName().toString();
        String prefix = name.substring(0, name.length() - ".class".length()) + "$async$";
        try (Stream<Path> siblings = Files.list(host.getParent())) {
            for (Path p : (Iterable<Path>) siblings::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && n.endsWith(".class")) {
                    Files.delete(p);
                }
            }
        }
    }

    private static URL[] urls(List<Path> classpath) {
        List<URL> urls = new ArrayList<>();
        for (Path p : classpath) {
            if (Files.exists(p)) {
                try {
                    urls.add(p.toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException("not a class path entry: " + p, e);
                }
            }
        }
        return urls.toArray(URL[]::new);
    }

    private static byte[] read(Path input, ClassLoader resources, String internalName) {
        String path = internalName + ".class";
        try {
            Path local = input.resolve(path);
            if (Files.isRegularFile(local)) {
                return Files.readAllBytes(local);
            }
            try (InputStream in = resources.getResourceAsStream(path)) {
                return in == null ? null : in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
