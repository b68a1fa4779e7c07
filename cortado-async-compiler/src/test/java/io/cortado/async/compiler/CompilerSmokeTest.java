package io.cortado.async.compiler;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.stream.Stream;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CompilerSmokeTest {

    /** Loads the sample classes compiled, in a loader of their own. */
    static final class Loader extends ClassLoader {
        Loader() {
            super(CompilerSmokeTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && frames.containsKey(name)) {
                    byte[] b = frames.get(name);
                    c = defineClass(name, b, 0, b.length);
                } else if (c == null && name.startsWith("io.cortado.async.compiler.samples.")) {
                    byte[] b = read(name.replace('.', '/'));
                    try {
                        AsyncCompiler.Output out = AsyncCompiler.compile(b, ClassHierarchy.of(getParent()));
                        if (out != null) {
                            for (Map.Entry<String, byte[]> f : out.frames().entrySet()) {
                                frames.put(f.getKey().replace('/', '.'), f.getValue());
                            }
                            b = out.host();
                        }
                    } catch (AsyncCompileException e) {
                        throw new AssertionError(e.getMessage(), e);
                    }
                    c = defineClass(name, b, 0, b.length);
                }
                return c != null ? c : super.loadClass(name, resolve);
            }
        }

        final Map<String, byte[]> frames = new java.util.HashMap<>();

        private byte[] read(String internal) {
            try (InputStream in = getParent().getResourceAsStream(internal + ".class")) {
                return in.readAllBytes();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T call(Object target, Class<?> c, String name, Object... args) throws Exception {
        for (Method m : c.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                return (T) m.invoke(target, args);
            }
        }
        throw new NoSuchMethodException(name);
    }

    @Test
    void basics() throws Exception {
        Class<?> c = new Loader().loadClass("io.cortado.async.compiler.samples.Basics");
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            assertEquals(42, (Integer) rt.blockOn(call(null, c, "ready")));
            assertEquals(45L, (Long) rt.blockOn(call(null, c, "loop", 10)));
            Object inst = c.getConstructor().newInstance();
            assertEquals(">x!", rt.blockOn(call(inst, c, "instance", "x")));
            assertEquals(List.of("a-b-c"), rt.blockOn(call(null, c, "argumentsAndNew")));
            assertEquals("caught boom", rt.blockOn(call(null, c, "catches")));
            assertEquals(10, (Integer) rt.blockOn(call(null, c, "lambda", 5)));
            assertEquals(7, (Integer) rt.blockOn(call(null, c, "returnsFuture")));
            List<String> log = new ArrayList<>();
            Future<Void> f = call(null, c, "finallyOnCancel", log);
            rt.blockOn(io.cortado.Futures.pollFn(cx -> {
                f.poll(cx);
                return io.cortado.Poll.ready(null);
            }));
            f.cancel();
            assertEquals(List.of("start", "finally"), log);
            Stream<Integer> g = call(null, c, "generator", 4);
            assertEquals(List.of(0, 1, 2, 3), rt.blockOn(g.collect()));
        }
    }
}
