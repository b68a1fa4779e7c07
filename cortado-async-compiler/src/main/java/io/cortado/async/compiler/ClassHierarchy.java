package io.cortado.async.compiler;

import org.objectweb.asm.ClassReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Superclasses and interfaces of classes, read from class files (never by loading the classes: the agent runs while
 * classes are being loaded, and the Maven plugin must not run the user's static initialisers). Used to type the
 * values an {@code await} saves and to compute stack map frames.
 */
public final class ClassHierarchy {
    /** What the compiler needs to know of one class. */
    record Info(String name, String superName, List<String> interfaces, boolean isInterface) {
    }

    private final Function<String, byte[]> classBytes;
    private final Map<String, Info> cache = new ConcurrentHashMap<>();

    /** @param classBytes the class file of an internal name ({@code java/lang/String}), or {@code null} if none */
    public ClassHierarchy(Function<String, byte[]> classBytes) {
        this.classBytes = Objects.requireNonNull(classBytes, "classBytes");
    }

    /** @return a hierarchy that reads class files as resources of {@code loader} (the system loader if null) */
    public static ClassHierarchy of(ClassLoader loader) {
        return new ClassHierarchy(name -> {
            String path = name + ".class";
            try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(path)
                    : loader.getResourceAsStream(path)) {
                return in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Records a class made by the compiler (a frame). */
    void register(Info info) {
        cache.put(info.name(), info);
    }

    /** Records a class that is being compiled (its file is not on any class path yet). */
    void add(byte[] classFile) {
        Info i = read(classFile);
        cache.put(i.name, i);
    }

    private static Info read(byte[] b) {
        ClassReader r = new ClassReader(b);
        return new Info(r.getClassName(), r.getSuperName(), List.of(r.getInterfaces()),
                (r.getAccess() & org.objectweb.asm.Opcodes.ACC_INTERFACE) != 0);
    }

    /** @return the class's info, or {@code null} if its class file cannot be found */
    Info info(String name) {
        Info i = cache.get(name);
        if (i != null) {
            return i;
        }
        byte[] b = classBytes.apply(name);
        if (b == null) {
            return null;
        }
        i = read(b);
        cache.put(name, i);
        return i;
    }

    boolean isInterface(String name) {
        Info i = info(name);
        return i != null && i.isInterface;
    }

    String superName(String name) {
        Info i = info(name);
        return i == null ? null : i.superName;
    }

    /** @return whether a value of class {@code sub} may be used where {@code sup} is expected */
    boolean isAssignable(String sup, String sub) {
        if (sup.equals(sub) || sup.equals("java/lang/Object")) {
            return true;
        }
        List<String> todo = new ArrayList<>(List.of(sub));
        while (!todo.isEmpty()) {
            String c = todo.removeLast();
            if (c.equals(sup)) {
                return true;
            }
            Info i = info(c);
            if (i == null) {
                continue;
            }
            if (i.superName != null) {
                todo.add(i.superName);
            }
            todo.addAll(i.interfaces);
        }
        return false;
    }

    /** @return the nearest common superclass of two classes (as the verifier merges them) */
    String commonSuperClass(String a, String b) {
        if (isAssignable(a, b)) {
            return a;
        }
        if (isAssignable(b, a)) {
            return b;
        }
        if (isInterface(a) || isInterface(b)) {
            return "java/lang/Object";
        }
        for (String c = superName(a); c != null; c = superName(c)) {
            if (isAssignable(c, b)) {
                return c;
            }
        }
        return "java/lang/Object";
    }
}
