package io.cortado.async.compiler;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Compiles Java source snippets with the JDK's compiler, against cortado and cortado-async, as plain javac would. */
final class Javac {
    private Javac() {
    }

    /** @return the class path entries of cortado (the core) and cortado-async, as the test sees them */
    static List<Path> classpath() {
        return List.of(location(io.cortado.Future.class), location(io.cortado.async.Async.class));
    }

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param out     the directory for the class files
     * @param sources source text by path ({@code "p/Bad.java"})
     * @return {@code out}
     */
    static Path compile(Path out, Map<String, String> sources) {
        try {
            Path src = Files.createTempDirectory(out.getParent(), "src");
            List<Path> files = new ArrayList<>();
            for (Map.Entry<String, String> s : sources.entrySet()) {
                Path f = src.resolve(s.getKey());
                Files.createDirectories(f.getParent());
                Files.writeString(f, s.getValue());
                files.add(f);
            }
            Files.createDirectories(out);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, null)) {
                List<String> options = List.of("-d", out.toString(), "-classpath",
                        String.join(java.io.File.pathSeparator, classpath().stream().map(Path::toString).toList()),
                        "-proc:none");
                boolean ok = javac.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(files))
                        .call();
                if (!ok) {
                    StringBuilder b = new StringBuilder("javac failed:");
                    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                        b.append('\n').append(d);
                    }
                    throw new AssertionError(b.toString());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the class file of {@code internalName} under {@code dir} */
    static byte[] classFile(Path dir, String internalName) {
        try {
            return Files.readAllBytes(dir.resolve(internalName + ".class"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
