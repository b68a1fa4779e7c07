package io.cortado.async.compiler;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the agent makes of a class: the host defines its own frames in its static initialiser. */
class AgentTest {
    private static final String BASICS = "io.cortado.async.compiler.samples.Basics";

    /** Defines the sample host as the agent returns it; its frames exist only as the host defines them. */
    static final class AgentLoader extends ClassLoader {
        AgentLoader() {
            super(AgentTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && name.equals(BASICS)) {
                    byte[] b;
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        // what AsyncAgent.transform does (which skips io/cortado/async/**, the samples' package)
                        b = AsyncAgent.embed(AsyncCompiler.compile(in.readAllBytes(), ClassHierarchy.of(getParent())),
                                getParent());
                    } catch (java.io.IOException | AsyncCompileException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                    c = defineClass(name, b, 0, b.length);
                }
                return c != null ? c : super.loadClass(name, resolve);
            }
        }
    }

    @Test
    void theHostCanBeReflectedOnBeforeItsStaticInitialiserDefinedTheFrames() throws Exception {
        // JUnit, frameworks and IDEs list a class's methods before initialising it: no method of the host may
        // mention a frame class in its signature, since no frame exists until the static initialiser runs
        Class<?> c = Class.forName(BASICS, false, new AgentLoader());
        Method[] methods = c.getDeclaredMethods();
        assertTrue(Arrays.stream(methods).anyMatch(m -> m.getName().equals("ready")));
        for (Method m : methods) {
            for (Class<?> p : m.getParameterTypes()) {
                assertTrue(!p.getName().contains("$async$"), () -> m + " mentions a frame");
            }
        }
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            assertEquals(42, rt.blockOn((Future<?>) c.getMethod("ready").invoke(null)));
            assertEquals(45L, rt.blockOn((Future<?>) c.getMethod("loop", int.class).invoke(null, 10)));
        }
    }
}
