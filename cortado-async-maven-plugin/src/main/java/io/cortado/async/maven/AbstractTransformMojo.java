package io.cortado.async.maven;

import io.cortado.async.compiler.AsyncCompileException;
import io.cortado.async.compiler.CompileDirectory;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** What both goals do: {@link CompileDirectory#run} on one directory, with the class path of one scope. */
abstract class AbstractTransformMojo extends AbstractMojo {
    /** @return the directory of class files to compile */
    abstract File classes();

    /** @return where to write, or {@code null} for {@link #classes()} itself (in place) */
    abstract File output();

    /** @return the class path the classes were compiled against */
    abstract List<String> classpath();

    /** @return whether the goal is skipped */
    abstract boolean skipped();

    /** @return "classes" or "test classes", for messages */
    abstract String what();

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skipped()) {
            getLog().info("cortado-async: skipped");
            return;
        }
        File classes = classes();
        if (classes == null || !classes.isDirectory()) {
            getLog().info("cortado-async: no " + what() + " to compile (" + classes + " does not exist)");
            return;
        }
        Path in = classes.toPath();
        Path out = output() == null ? in : output().toPath();
        List<Path> classpath = classpath() == null ? List.of() : classpath().stream().map(Path::of).toList();
        try {
            CompileDirectory.Result r = CompileDirectory.run(in, out, classpath);
            getLog().info("cortado-async: compiled the async methods of " + r.compiled() + " " + what()
                    + " (" + r.frames() + " frame classes) in " + out
                    + (r.copied() > 0 ? "; copied " + r.copied() + " other files from " + in : ""));
        } catch (AsyncCompileException e) {
            for (String p : e.problems()) {
                getLog().error(p);
            }
            throw new MojoFailureException("cortado-async: " + e.problems().size() + " await"
                    + (e.problems().size() == 1 ? "" : "s") + " in " + what() + " of " + in
                    + " cannot be compiled:\n  " + String.join("\n  ", e.problems()));
        } catch (IOException | RuntimeException e) {
            throw new MojoExecutionException("cortado-async: cannot compile the " + what() + " of " + in + ": " + e,
                    e);
        }
    }
}
