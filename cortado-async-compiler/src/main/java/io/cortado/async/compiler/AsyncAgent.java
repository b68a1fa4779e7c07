package io.cortado.async.compiler;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The Java agent: compiles async methods as classes load ({@code -javaagent:cortado-async-compiler.jar}), for IDE and
 * test runs without the Maven plugin. A class that the plugin compiled already is left as it is.
 *
 * <p>The frame classes of a class are defined by that class itself: its static initialiser begins with
 * {@code FrameDefiner.define(MethodHandles.lookup(), bytes...)}, which defines them in the same class loader and
 * package before any of its code can use them (a transformer can only return the bytes of the class it is asked
 * for). A class that cannot be compiled (a rejected await) is left as it is and the problem is printed on the
 * standard error: its awaits then throw the "not compiled" error naming the method.
 */
public final class AsyncAgent implements ClassFileTransformer {
    private static final String DEFINER = "io/cortado/async/FrameDefiner";
    /** Under the 65,535-byte limit of a class file constant, in Base64 characters. */
    private static final int CHUNK = 60_000;

    /** @param args ignored @param inst the instrumentation */
    public static void premain(String args, Instrumentation inst) {
        inst.addTransformer(new AsyncAgent());
    }

    /** Same as {@link #premain}, for an agent loaded into a running VM. */
    public static void agentmain(String args, Instrumentation inst) {
        premain(args, inst);
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                            ProtectionDomain domain, byte[] classFile) {
        if (redefined != null || className == null || className.startsWith("io/cortado/async/")
                || !AsyncCompiler.mentionsAsync(classFile)) {
            return null;
        }
        try {
            AsyncCompiler.Output out = AsyncCompiler.compile(classFile, ClassHierarchy.of(loader));
            return out == null ? null : embed(out, loader);
        } catch (AsyncCompileException e) {
            System.err.println("cortado-async: " + className.replace('/', '.') + " not compiled:\n  "
                    + String.join("\n  ", e.problems()));
            return null;
        } catch (RuntimeException | Error e) {
            System.err.println("cortado-async: " + className.replace('/', '.') + " not compiled: " + e);
            return null;
        }
    }

    /** @return the host class with a static initialiser that first defines its frames */
    static byte[] embed(AsyncCompiler.Output out, ClassLoader loader) {
        ClassNode cn = new ClassNode();
        new ClassReader(out.host()).accept(cn, 0);
        InsnList define = new InsnList();
        for (Map.Entry<String, byte[]> f : out.frames().entrySet()) {
            List<String> chunks = new ArrayList<>();
            String b64 = Base64.getEncoder().encodeToString(f.getValue());
            for (int i = 0; i < b64.length(); i += CHUNK) {
                chunks.add(b64.substring(i, Math.min(b64.length(), i + CHUNK)));
            }
            define.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup",
                    "()Ljava/lang/invoke/MethodHandles$Lookup;", false));
            define.add(new LdcInsnNode(chunks.size()));
            define.add(new TypeInsnNode(Opcodes.ANEWARRAY, "java/lang/String"));
            for (int i = 0; i < chunks.size(); i++) {
                define.add(new InsnNode(Opcodes.DUP));
                define.add(new LdcInsnNode(i));
                define.add(new LdcInsnNode(chunks.get(i)));
                define.add(new InsnNode(Opcodes.AASTORE));
            }
            define.add(new MethodInsnNode(Opcodes.INVOKESTATIC, DEFINER, "define",
                    "(Ljava/lang/invoke/MethodHandles$Lookup;[Ljava/lang/String;)V", false));
        }
        MethodNode clinit = cn.methods.stream().filter(m -> m.name.equals("<clinit>")).findFirst().orElse(null);
        if (clinit == null) {
            clinit = new MethodNode(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
            clinit.instructions.add(new InsnNode(Opcodes.RETURN));
            cn.methods.add(clinit);
        }
        clinit.instructions.insert(define);
        ClassHierarchy h = ClassHierarchy.of(loader);
        h.add(out.host());
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return h.commonSuperClass(a, b);
            }
        };
        cn.accept(w);
        return w.toByteArray();
    }
}
