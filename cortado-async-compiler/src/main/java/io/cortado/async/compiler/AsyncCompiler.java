package io.cortado.async.compiler;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles async methods into {@code Future} state machines (see {@code io.cortado.async.Async} for what users
 * write, and {@code AsyncFrame}'s protocol for what the generated code does).
 *
 * <h2>The transformation of one async method {@code m}</h2>
 * <ol>
 *   <li><b>Frame class</b> {@code Host$async$m$n} extends {@code AsyncFrame} (or {@code AsyncStreamFrame} for a
 *       generator): a field per parameter, a field per (local slot, kind) and per (stack depth, kind) that some
 *       {@code await} must save, a constructor storing the parameters, and {@code resume(cx)} calling the body.</li>
 *   <li><b>Body</b>: a static synthetic method {@code m(AsyncFrame, Context)} in the host class holding {@code m}'s
 *       original code with every local moved up two slots (slot 0 is the frame, slot 1 the context). The frame is
 *       typed by its base class in the signature (the agent defines frame classes only in the host's static
 *       initialiser, and reflection resolves signatures before that) and cast to its class on entry; the bodies
 *       of overloaded async methods share the name and take extra unused {@code int}s to differ. It starts
 *       with a {@code tableswitch} on the frame's label: 0 loads the parameters from the frame and runs the
 *       code from the top; {@code k} restores the locals and stack saved at resume point {@code k} and jumps
 *       there. Line numbers and exception tables are kept, so stack traces and {@code catch}/{@code finally} are
 *       the user's.</li>
 *   <li><b>await</b> {@code [... f] → [... value]}: poll {@code f} with the context; ready → its value, at once; pending
 *       → spill the stack below {@code f} into temporaries, save it and every live local (read after the await:
 *       {@code Liveness}) into the frame (references checked-cast back to their verified type on restore), set the
 *       label, return
 *       {@code SUSPEND}. A {@code null} context means the frame is being cancelled: the await throws
 *       {@code AsyncFrame.cancelled()} in place, inside the user's try blocks.</li>
 *   <li><b>yield</b> (generators): store the item in {@code result}, save, return {@code YIELD}; resume after it.</li>
 *   <li><b>return</b>: {@code return Async.done(x)} stores {@code x} in {@code result} and returns {@code DONE} (no
 *       future allocated; only where no other path jumps to that return, as in {@code b ? f : Async.done(x)}); any other {@code return f} returns the future (or stream), which the frame then
 *       polls in its place. An {@code Async.fn} lambda's {@code return v} stores {@code v}.</li>
 *   <li><b>The method</b> itself becomes {@code return new Frame(this, args...)}. An {@code Async.fn(() -> ...)}
 *       call site (an {@code invokedynamic} of {@code AsyncBody} followed by {@code Async.fn}) becomes a call of a
 *       static factory taking the lambda's captured values; the lambda's code becomes the body.</li>
 *   <li><b>new T(await(x))</b>: an {@code await} cannot save a reference whose constructor has not run, so such a
 *       {@code new T; dup} is moved down to just before its constructor call (the arguments are parked in
 *       temporaries) before the rest of the transformation.</li>
 * </ol>
 * Rejected with a message naming the file and line: {@code await} inside {@code synchronized} (a monitor must not
 * be held across a suspension), in a constructor or static initialiser, in a method that returns neither
 * {@code Future} nor {@code Stream}, in a lambda that is not written in an {@code Async.fn(...)} call, and
 * {@code yield} outside a generator.
 *
 * <h2>Why ASM</h2>
 * The state machine must know the exact type of every local and stack value at each {@code await}, to save it in
 * a field and restore it so the verifier accepts the code. ASM's {@code Analyzer} with {@code SimpleVerifier}
 * computes exactly that (here with the class hierarchy read from class files, never by loading classes); the
 * JDK's {@code java.lang.classfile} API has no public type analyzer, so with it this compiler would have to
 * re-implement the verifier's dataflow. ASM is a build-time dependency only (shaded into the compiler jar); the
 * runtime library {@code cortado-async} depends on nothing but the core.
 */
public final class AsyncCompiler {
    static final String ASYNC = "io/cortado/async/Async";
    static final String FUTURE = "io/cortado/Future";
    static final String STREAM = "io/cortado/stream/Stream";
    static final String CONTEXT = "io/cortado/Context";
    static final String POLL = "io/cortado/Poll";
    static final String FRAME = "io/cortado/async/AsyncFrame";
    static final String STREAM_FRAME = "io/cortado/async/AsyncStreamFrame";
    static final String BODY = "io/cortado/async/AsyncBody";
    private static final String OBJECT = "java/lang/Object";

    private AsyncCompiler() {
    }

    /**
     * The compiled class and the frame classes it needs.
     *
     * @param host   the rewritten class file
     * @param frames the frame class files, by internal name
     */
    public record Output(byte[] host, Map<String, byte[]> frames) {
    }

    /** @return whether the class file mentions {@code io.cortado.async.Async} at all (a quick scan of its bytes) */
    public static boolean mentionsAsync(byte[] classFile) {
        byte[] needle = ASYNC.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + needle.length <= classFile.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (classFile[i + j] != needle[j]) {
                    continue outer;
                }
            }
            int end = i + needle.length;
            if (end == classFile.length || classFile[end] != '$') { // Async itself, not Async$Something
                return true;
            }
        }
        return false;
    }

    /**
     * Compiles the async methods of one class.
     *
     * @param classFile the class as compiled by javac
     * @param hierarchy where to read the classes it uses (for types and stack map frames)
     * @return the rewritten class and its frames, or {@code null} if it has no async method
     * @throws AsyncCompileException listing every await that cannot be compiled
     */
    public static Output compile(byte[] classFile, ClassHierarchy hierarchy) throws AsyncCompileException {
        if (!mentionsAsync(classFile)) {
            return null;
        }
        ClassNode cn = new ClassNode();
        new ClassReader(classFile).accept(cn, ClassReader.SKIP_FRAMES);
        hierarchy.add(classFile);
        return new Unit(cn, hierarchy).run();
    }

    // ---------------------------------------------------------------------------------------------------------

    private enum Kind { FUTURE, STREAM, FN }

    private enum SiteKind { AWAIT, AWAIT_UNWRAP, YIELD }

    /** One class being compiled. */
    private static final class Unit {
        final ClassNode cn;
        final ClassHierarchy hierarchy;
        final boolean hostIsInterface;
        final List<String> problems = new ArrayList<>();
        final Map<String, byte[]> frames = new LinkedHashMap<>();
        int frameCount;

        Unit(ClassNode cn, ClassHierarchy hierarchy) {
            this.cn = cn;
            this.hierarchy = hierarchy;
            this.hostIsInterface = (cn.access & Opcodes.ACC_INTERFACE) != 0;
        }

        String where(MethodNode m, AbstractInsnNode at) {
            int line = -1;
            for (AbstractInsnNode i = at; i != null; i = i.getPrevious()) {
                if (i instanceof LineNumberNode ln) {
                    line = ln.line;
                    break;
                }
            }
            String file = cn.sourceFile != null ? cn.sourceFile : cn.name.substring(cn.name.lastIndexOf('/') + 1)
                    + ".java";
            return file + ":" + (line < 0 ? "?" : line) + ": in " + cn.name.replace('/', '.') + "." + m.name
                    + ": ";
        }

        Output run() throws AsyncCompileException {
            // Async.fn call sites: the lambdas whose bodies are async
            Map<String, List<InvokeDynamicInsnNode>> fnLambdas = new HashMap<>();
            for (MethodNode m : cn.methods) {
                for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext()) {
                    if (i instanceof InvokeDynamicInsnNode indy && isFnCall(next(indy))) {
                        Handle impl = lambdaImpl(indy);
                        if (impl != null && impl.getOwner().equals(cn.name) && impl.getName().startsWith("lambda$")) {
                            fnLambdas.computeIfAbsent(impl.getName() + impl.getDesc(), k -> new ArrayList<>())
                                    .add(indy);
                        }
                    }
                }
            }
            boolean changed = false;
            for (List<InvokeDynamicInsnNode> indys : fnLambdas.values()) {
                for (InvokeDynamicInsnNode indy : indys) {
                    Handle impl = lambdaImpl(indy);
                    String factoryDesc = Type.getMethodDescriptor(Type.getObjectType(FUTURE),
                            Type.getArgumentTypes(indy.desc));
                    MethodNode owner = ownerOf(indy);
                    AbstractInsnNode fnCall = next(indy);
                    owner.instructions.insertBefore(indy, new MethodInsnNode(Opcodes.INVOKESTATIC, cn.name,
                            impl.getName() + "$async", factoryDesc, hostIsInterface));
                    owner.instructions.remove(indy);
                    owner.instructions.remove(fnCall);
                    changed = true;
                }
            }
            List<MethodNode> original = new ArrayList<>(cn.methods);
            for (MethodNode m : original) {
                List<AbstractInsnNode> sites = sites(m);
                boolean isFn = fnLambdas.containsKey(m.name + m.desc);
                if (sites.isEmpty() && !isFn) {
                    continue;
                }
                Kind kind = classify(m, sites, isFn);
                if (kind == null) {
                    continue;
                }
                try {
                    compileMethod(m, kind);
                    changed = true;
                } catch (AnalyzerException e) {
                    problems.add(where(m, e.node) + "cannot analyse the method: " + e.getMessage());
                }
            }
            if (!problems.isEmpty()) {
                throw new AsyncCompileException(problems);
            }
            if (!changed) {
                return null;
            }
            ClassWriter w = writer();
            cn.accept(w);
            try {
                return new Output(w.toByteArray(), frames);
            } catch (org.objectweb.asm.MethodTooLargeException e) {
                MethodNode big = cn.methods.stream().filter(x -> x.name.equals(e.getMethodName())
                        && x.desc.equals(e.getDescriptor())).findFirst().orElseThrow();
                AbstractInsnNode firstLine = big.instructions.getFirst();
                while (firstLine != null && !(firstLine instanceof LineNumberNode)) {
                    firstLine = firstLine.getNext();
                }
                throw new AsyncCompileException(List.of(where(big, firstLine) + "the compiled async method is "
                        + e.getCodeSize() + " bytes, over the JVM's limit of 64 KiB for a method (each await saves "
                        + "and restores every live local): split it into smaller async methods"));
            }
        }

        ClassWriter writer() {
            return new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
                @Override
                protected String getCommonSuperClass(String a, String b) {
                    return hierarchy.commonSuperClass(a, b);
                }
            };
        }

        /** @return the await / yield calls of {@code m} */
        List<AbstractInsnNode> sites(MethodNode m) {
            List<AbstractInsnNode> out = new ArrayList<>();
            for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext()) {
                if (siteKind(i) != null) {
                    out.add(i);
                }
            }
            return out;
        }

        static SiteKind siteKind(AbstractInsnNode i) {
            if (i instanceof MethodInsnNode mi && mi.getOpcode() == Opcodes.INVOKESTATIC && mi.owner.equals(ASYNC)) {
                if (mi.name.equals("await")) {
                    return mi.desc.startsWith("(L" + FUTURE + ";Ljava/lang/Class;") ? SiteKind.AWAIT_UNWRAP
                            : SiteKind.AWAIT;
                }
                if (mi.name.equals("yield")) {
                    return SiteKind.YIELD;
                }
            }
            return null;
        }

        static boolean isFnCall(AbstractInsnNode i) {
            return i instanceof MethodInsnNode mi && mi.getOpcode() == Opcodes.INVOKESTATIC && mi.owner.equals(ASYNC)
                    && mi.name.equals("fn");
        }

        static AbstractInsnNode next(AbstractInsnNode i) {
            AbstractInsnNode n = i.getNext();
            while (n != null && n.getOpcode() < 0) {
                n = n.getNext();
            }
            return n;
        }

        static Handle lambdaImpl(InvokeDynamicInsnNode indy) {
            if (!indy.bsm.getOwner().equals("java/lang/invoke/LambdaMetafactory")
                    || !Type.getReturnType(indy.desc).getInternalName().equals(BODY)
                    || indy.bsmArgs.length < 2 || !(indy.bsmArgs[1] instanceof Handle h)) {
                return null;
            }
            return h;
        }

        Kind classify(MethodNode m, List<AbstractInsnNode> sites, boolean isFn) {
            String ret = Type.getReturnType(m.desc).getDescriptor();
            boolean yields = sites.stream().anyMatch(s -> siteKind(s) == SiteKind.YIELD);
            AbstractInsnNode first = sites.isEmpty() ? m.instructions.getFirst() : sites.getFirst();
            if (m.name.equals("<init>") || m.name.equals("<clinit>")) {
                problems.add(where(m, first) + "await in a " + (m.name.equals("<init>") ? "constructor"
                        : "static initialiser") + ": a constructor cannot suspend; move the awaiting code into an "
                        + "async method (returning Future) and await that");
                return null;
            }
            if ((m.access & Opcodes.ACC_SYNCHRONIZED) != 0) {
                problems.add(where(m, first) + "await in a synchronized method: a monitor must not be held across "
                        + "a suspension; use io.cortado.sync.Mutex, or make the method not synchronized");
                return null;
            }
            Kind kind;
            if (isFn) {
                kind = Kind.FN;
            } else if (ret.equals("L" + FUTURE + ";")) {
                kind = Kind.FUTURE;
            } else if (ret.equals("L" + STREAM + ";")) {
                kind = Kind.STREAM;
            } else if (m.name.startsWith("lambda$")) {
                problems.add(where(m, first) + "await in a lambda that is not written in an Async.fn(...) call: "
                        + "only Async.fn lambdas are compiled; write Async.fn(() -> ...) or move the code into an "
                        + "async method");
                return null;
            } else {
                problems.add(where(m, first) + "await in a method whose return type is " + Type.getReturnType(m.desc)
                        .getClassName() + ": an async method returns io.cortado.Future (or io.cortado.stream.Stream "
                        + "for a generator)");
                return null;
            }
            if (yields && kind != Kind.STREAM) {
                problems.add(where(m, sites.stream().filter(s -> siteKind(s) == SiteKind.YIELD).findFirst()
                        .orElseThrow()) + "Async.yield in a method that does not return io.cortado.stream.Stream");
                return null;
            }
            if ((m.access & Opcodes.ACC_ABSTRACT) != 0) {
                return null;
            }
            return kind;
        }

        // -----------------------------------------------------------------------------------------------------

        void compileMethod(MethodNode m, Kind kind) throws AnalyzerException {
            Typing.Verifier verifier = verifier();
            Frame<BasicValue>[] types = Typing.analyze(cn.name, m, verifier);
            if (!checkMonitors(m)) {
                return;
            }
            if (postponeNews(m, types)) {
                types = Typing.analyze(cn.name, m, verifier());
            }
            String frameName = cn.name + "$async$" + m.name.replace('$', '_') + "$" + (frameCount++);
            String frameBase = kind == Kind.STREAM ? STREAM_FRAME : FRAME;
            boolean isStatic = (m.access & Opcodes.ACC_STATIC) != 0;
            List<Type> params = new ArrayList<>();
            if (!isStatic) {
                params.add(Type.getObjectType(cn.name));
            }
            params.addAll(List.of(Type.getArgumentTypes(m.desc)));

            FrameClass frame = new FrameClass(frameName, frameBase, params);
            hierarchy.register(new ClassHierarchy.Info(frameName, frameBase, List.of(), false));
            MethodNode body = buildBody(m, kind, types, frame);
            if (body == null) {
                return;
            }
            cn.methods.add(body);
            frames.put(frameName, frame.bytes(cn, body, hostIsInterface, this));

            if (kind == Kind.FN) {
                String factoryDesc = Type.getMethodDescriptor(Type.getObjectType(FUTURE), params.toArray(Type[]::new));
                cn.methods.add(factory(m.name + "$async", factoryDesc, frameName, params));
                cn.methods.remove(m); // its call sites now call the factory
            } else {
                replaceWithFactory(m, frameName, params);
            }
        }

        MethodNode ownerOf(AbstractInsnNode insn) {
            for (MethodNode m : cn.methods) {
                if (m.instructions.contains(insn)) {
                    return m;
                }
            }
            throw new IllegalStateException("instruction outside every method");
        }

        Typing.Verifier verifier() {
            List<Type> itfs = new ArrayList<>();
            for (String i : cn.interfaces) {
                itfs.add(Type.getObjectType(i));
            }
            return new Typing.Verifier(hierarchy, Type.getObjectType(cn.name),
                    cn.superName == null ? null : Type.getObjectType(cn.superName), itfs, hostIsInterface);
        }

        /** Rejects an await or yield with a monitor held; returns false if it found one. */
        boolean checkMonitors(MethodNode m) throws AnalyzerException {
            boolean hasMonitor = false;
            for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext()) {
                hasMonitor |= i.getOpcode() == Opcodes.MONITORENTER;
            }
            if (!hasMonitor) {
                return true;
            }
            int[] depth = Monitors.depths(cn.name, m);
            boolean ok = true;
            int idx = 0;
            for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext(), idx++) {
                if (siteKind(i) != null && depth[idx] > 0) {
                    problems.add(where(m, i) + "await inside a synchronized block: a monitor must not be held "
                            + "across a suspension; use io.cortado.sync.Mutex, or await outside the block");
                    ok = false;
                }
            }
            return ok;
        }

        /**
         * Moves each {@code new T; dup} whose uninitialised reference is on the stack at an await down to its
         * constructor call (rule 7 of the class comment).
         *
         * @return whether the method changed
         */
        boolean postponeNews(MethodNode m, Frame<BasicValue>[] types) {
            Set<TypeInsnNode> news = new HashSet<>();
            int idx = 0;
            for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext(), idx++) {
                Frame<BasicValue> f = types[idx];
                if (siteKind(i) != null && f != null) {
                    for (int s = 0; s < f.getStackSize(); s++) {
                        if (f.getStack(s) instanceof Typing.Uninit u) {
                            news.add(u.newInsn);
                        }
                    }
                }
            }
            if (news.isEmpty()) {
                return false;
            }
            Map<TypeInsnNode, MethodInsnNode> inits = new HashMap<>();
            idx = 0;
            for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext(), idx++) {
                if (i instanceof MethodInsnNode mi && mi.getOpcode() == Opcodes.INVOKESPECIAL
                        && mi.name.equals("<init>") && types[idx] != null) {
                    Frame<BasicValue> f = types[idx];
                    int args = Type.getArgumentTypes(mi.desc).length;
                    if (f.getStack(f.getStackSize() - args - 1) instanceof Typing.Uninit u
                            && news.contains(u.newInsn)) {
                        inits.put(u.newInsn, mi);
                    }
                }
            }
            for (TypeInsnNode n : news) {
                AbstractInsnNode dup = next(n);
                MethodInsnNode init = inits.get(n);
                if (dup == null || dup.getOpcode() != Opcodes.DUP || init == null) {
                    problems.add(where(m, n) + "await inside the arguments of new " + n.desc.replace('/', '.')
                            + "(...) in a form this compiler does not know: assign the awaited value to a local "
                            + "first");
                    continue;
                }
                Type[] args = Type.getArgumentTypes(init.desc);
                InsnList before = new InsnList();
                int[] slots = new int[args.length];
                int next = m.maxLocals;
                for (int a = 0; a < args.length; a++) {
                    slots[a] = next;
                    next += args[a].getSize();
                }
                for (int a = args.length - 1; a >= 0; a--) {
                    before.add(new VarInsnNode(args[a].getOpcode(Opcodes.ISTORE), slots[a]));
                }
                before.add(new TypeInsnNode(Opcodes.NEW, n.desc));
                before.add(new InsnNode(Opcodes.DUP));
                for (int a = 0; a < args.length; a++) {
                    before.add(new VarInsnNode(args[a].getOpcode(Opcodes.ILOAD), slots[a]));
                }
                m.instructions.insertBefore(init, before);
                m.maxLocals = next;
                m.maxStack += 2;
                m.instructions.remove(dup);
                m.instructions.remove(n);
            }
            return true;
        }

        /** Replaces an async method's code with {@code return new Frame(this, args...)}. */
        void replaceWithFactory(MethodNode m, String frameName, List<Type> params) {
            InsnList code = new InsnList();
            code.add(new TypeInsnNode(Opcodes.NEW, frameName));
            code.add(new InsnNode(Opcodes.DUP));
            int slot = 0;
            for (Type p : params) {
                code.add(new VarInsnNode(p.getOpcode(Opcodes.ILOAD), slot));
                slot += p.getSize();
            }
            code.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, frameName, "<init>",
                    Type.getMethodDescriptor(Type.VOID_TYPE, params.toArray(Type[]::new)), false));
            code.add(new InsnNode(Opcodes.ARETURN));
            m.instructions = code;
            m.tryCatchBlocks = new ArrayList<>();
            m.localVariables = null;
            m.visibleLocalVariableAnnotations = null;
            m.invisibleLocalVariableAnnotations = null;
            m.maxStack = slot + 2;
            m.maxLocals = slot;
        }

        MethodNode factory(String name, String desc, String frameName, List<Type> params) {
            int access = Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC | (hostIsInterface ? Opcodes.ACC_PUBLIC : 0);
            MethodNode f = new MethodNode(access, name, desc, null, null);
            replaceWithFactory(f, frameName, params);
            return f;
        }

        // -----------------------------------------------------------------------------------------------------
        // The body

        /** A saved value: a frame field of one kind at one position. */
        record Slot(String field, Type type, Type kind, int index) {
        }

        MethodNode buildBody(MethodNode m, Kind kind, Frame<BasicValue>[] types, FrameClass frame)
                throws AnalyzerException {
            BitSet[] live = Liveness.liveIn(cn.name, m); // an await saves only what is read after it
            int access = Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC | (hostIsInterface ? Opcodes.ACC_PUBLIC : 0);
            // The frame is passed as its base class: no signature of the host may name a frame class, since the
            // agent defines the frames only in the host's static initialiser, and reflection (JUnit, frameworks)
            // resolves a class's method signatures before initialising it. The body casts it first thing.
            // Overloaded async methods have bodies of the same name (the user's, for stack traces): each further
            // one takes one more unused int, so that the descriptors differ.
            String params = "L" + frame.base + ";L" + CONTEXT + ";";
            while (hasMethod(m.name, "(" + params + ")Ljava/lang/Object;")) {
                params += "I";
            }
            String desc = "(" + params + ")Ljava/lang/Object;";
            MethodNode b = new MethodNode(access, m.name, desc, null, m.exceptions.toArray(String[]::new));

            // Clone the code with locals moved up two slots.
            Map<LabelNode, LabelNode> labels = new HashMap<>();
            for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext()) {
                if (i instanceof LabelNode l) {
                    labels.put(l, new LabelNode());
                }
            }
            Map<AbstractInsnNode, AbstractInsnNode> copies = new HashMap<>();
            InsnList code = new InsnList();
            for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext()) {
                AbstractInsnNode c = i.clone(labels);
                if (c instanceof VarInsnNode v) {
                    v.var += 2;
                } else if (c instanceof IincInsnNode v) {
                    v.var += 2;
                }
                copies.put(i, c);
                code.add(c);
            }
            for (TryCatchBlockNode t : m.tryCatchBlocks) {
                b.tryCatchBlocks.add(new TryCatchBlockNode(labels.get(t.start), labels.get(t.end),
                        labels.get(t.handler), t.type));
            }
            if (m.localVariables != null) {
                b.localVariables = new ArrayList<>();
                for (LocalVariableNode v : m.localVariables) {
                    b.localVariables.add(new LocalVariableNode(v.name, v.desc, v.signature, labels.get(v.start),
                            labels.get(v.end), v.index + 2));
                }
            }
            int temps = m.maxLocals + 2;
            int tmpF = temps;
            int tmpC = temps + 1;
            int spillBase = temps + 2;
            int maxSpill = 0;

            Set<LabelNode> jumpTargets = new HashSet<>(); // the copies' labels that a jump or switch goes to
            for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext()) {
                if (i instanceof JumpInsnNode j) {
                    jumpTargets.add(labels.get(j.label));
                } else if (i instanceof TableSwitchInsnNode t) {
                    jumpTargets.add(labels.get(t.dflt));
                    t.labels.forEach(l -> jumpTargets.add(labels.get(l)));
                } else if (i instanceof org.objectweb.asm.tree.LookupSwitchInsnNode t) {
                    jumpTargets.add(labels.get(t.dflt));
                    t.labels.forEach(l -> jumpTargets.add(labels.get(l)));
                }
            }

            // Parameters the method never assigns keep their value in the frame's p fields: not saved again at
            // each suspension, read back from there (the slot of each, to its parameter index).
            Map<Integer, Integer> stableParams = new HashMap<>();
            int ps = 0;
            for (int p = 0; p < frame.params.size(); p++) {
                stableParams.put(ps, p);
                ps += frame.params.get(p).getSize();
            }
            for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext()) {
                if (i instanceof VarInsnNode v && v.getOpcode() >= Opcodes.ISTORE && v.getOpcode() <= Opcodes.ASTORE) {
                    stableParams.remove(v.var);
                } else if (i instanceof IincInsnNode v) {
                    stableParams.remove(v.var);
                }
            }
            List<LabelNode> resumes = new ArrayList<>();
            InsnList tail = new InsnList(); // resume blocks, after the code
            int k = 0;
            int idx = 0;
            for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext(), idx++) {
                AbstractInsnNode c = copies.get(i);
                SiteKind sk = siteKind(i);
                if (sk != null) {
                    Frame<BasicValue> f = types[idx];
                    if (f == null) {
                        continue; // unreachable
                    }
                    k++;
                    int pops = sk == SiteKind.AWAIT_UNWRAP ? 2 : 1;
                    List<Slot> locals = new ArrayList<>();
                    List<Integer> nullLocals = new ArrayList<>(); // known to be null: nothing to save
                    List<Integer> paramLocals = new ArrayList<>(); // never assigned: read back from the p fields
                    for (int l = 0; l < f.getLocals(); l++) {
                        BasicValue v = f.getLocal(l);
                        Type kt = kindOf(v);
                        if (!live[idx].get(l)) {
                            continue; // dead here: never read again before being written
                        }
                        if (kt != null && stableParams.containsKey(l)) {
                            paramLocals.add(l);
                        } else if (kt != null) {
                            locals.add(new Slot(frame.field("l" + l, kt), v.getType(), kt, l));
                        } else if (isNull(v)) {
                            nullLocals.add(l);
                        }
                    }
                    List<Slot> stack = new ArrayList<>();
                    int spill = 0;
                    for (int s = 0; s < f.getStackSize() - pops; s++) {
                        BasicValue v = f.getStack(s);
                        Type kt = kindOf(v);
                        if (kt == null) {
                            kt = Type.getObjectType(OBJECT); // a null constant: saved as a reference
                        }
                        stack.add(new Slot(frame.field("s" + s, kt), v.getType(), kt, s));
                        spill += kt.getSize();
                    }
                    maxSpill = Math.max(maxSpill, spill);
                    LabelNode resume = new LabelNode();
                    resumes.add(resume);
                    InsnList at = new InsnList();
                    InsnList back = new InsnList();
                    back.add(resume);
                    for (int l : nullLocals) {
                        // restored as the null constant: typed "null" it stays usable as whatever javac declared
                        back.add(new InsnNode(Opcodes.ACONST_NULL));
                        back.add(new VarInsnNode(Opcodes.ASTORE, l + 2));
                    }
                    for (int l : paramLocals) {
                        int p = stableParams.get(l);
                        Type t = frame.params.get(p);
                        back.add(new VarInsnNode(Opcodes.ALOAD, 0));
                        back.add(new FieldInsnNode(Opcodes.GETFIELD, frame.name, "p" + p, t.getDescriptor()));
                        back.add(new VarInsnNode(t.getOpcode(Opcodes.ISTORE), l + 2));
                    }
                    restore(back, frame, locals, stack);
                    if (sk == SiteKind.YIELD) {
                        LabelNode after = new LabelNode();
                        LabelNode cancel = new LabelNode();
                        at.add(new VarInsnNode(Opcodes.ASTORE, tmpF));
                        at.add(new VarInsnNode(Opcodes.ALOAD, 1));
                        at.add(new JumpInsnNode(Opcodes.IFNULL, cancel));
                        at.add(new VarInsnNode(Opcodes.ALOAD, 0));
                        at.add(new VarInsnNode(Opcodes.ALOAD, tmpF));
                        at.add(new FieldInsnNode(Opcodes.PUTFIELD, frame.name, "result", "Ljava/lang/Object;"));
                        save(at, frame, locals, stack, spillBase, k);
                        at.add(new FieldInsnNode(Opcodes.GETSTATIC, STREAM_FRAME, "YIELD", "Ljava/lang/Object;"));
                        at.add(new InsnNode(Opcodes.ARETURN));
                        LabelNode resumed = new LabelNode();
                        at.add(resumed);
                        at.add(new VarInsnNode(Opcodes.ALOAD, 1));
                        at.add(new JumpInsnNode(Opcodes.IFNONNULL, after));
                        at.add(cancel);
                        at.add(new MethodInsnNode(Opcodes.INVOKESTATIC, FRAME, "cancelled",
                                "()Ljava/util/concurrent/CancellationException;", false));
                        at.add(new InsnNode(Opcodes.ATHROW));
                        at.add(after);
                        back.add(new JumpInsnNode(Opcodes.GOTO, resumed));
                    } else {
                        LabelNode poll = new LabelNode();
                        LabelNode cancel = new LabelNode();
                        LabelNode suspend = new LabelNode();
                        LabelNode after = new LabelNode();
                        if (sk == SiteKind.AWAIT_UNWRAP) {
                            at.add(new VarInsnNode(Opcodes.ASTORE, tmpC));
                        }
                        at.add(new VarInsnNode(Opcodes.ASTORE, tmpF));
                        at.add(poll);
                        at.add(new VarInsnNode(Opcodes.ALOAD, 1));
                        at.add(new JumpInsnNode(Opcodes.IFNULL, cancel));
                        at.add(new VarInsnNode(Opcodes.ALOAD, tmpF));
                        at.add(new VarInsnNode(Opcodes.ALOAD, 1));
                        if (sk == SiteKind.AWAIT_UNWRAP) {
                            at.add(new VarInsnNode(Opcodes.ALOAD, tmpC));
                            at.add(new MethodInsnNode(Opcodes.INVOKESTATIC, FRAME, "pollUnwrapping",
                                    "(L" + FUTURE + ";L" + CONTEXT + ";Ljava/lang/Class;)L" + POLL + ";", false));
                        } else {
                            at.add(new MethodInsnNode(Opcodes.INVOKEINTERFACE, FUTURE, "poll",
                                    "(L" + CONTEXT + ";)L" + POLL + ";", true));
                        }
                        at.add(new InsnNode(Opcodes.DUP));
                        at.add(new MethodInsnNode(Opcodes.INVOKEINTERFACE, POLL, "isReady", "()Z", true));
                        at.add(new JumpInsnNode(Opcodes.IFEQ, suspend));
                        at.add(new MethodInsnNode(Opcodes.INVOKEINTERFACE, POLL, "value", "()Ljava/lang/Object;",
                                true));
                        at.add(new JumpInsnNode(Opcodes.GOTO, after));
                        at.add(cancel);
                        at.add(new MethodInsnNode(Opcodes.INVOKESTATIC, FRAME, "cancelled",
                                "()Ljava/util/concurrent/CancellationException;", false));
                        at.add(new InsnNode(Opcodes.ATHROW));
                        at.add(suspend);
                        at.add(new InsnNode(Opcodes.POP)); // the pending Poll
                        at.add(new VarInsnNode(Opcodes.ALOAD, 0));
                        at.add(new VarInsnNode(Opcodes.ALOAD, tmpF));
                        at.add(new FieldInsnNode(Opcodes.PUTFIELD, frame.name, "awaiting", "L" + FUTURE + ";"));
                        if (sk == SiteKind.AWAIT_UNWRAP) { // read back only by this site's resume
                            at.add(new VarInsnNode(Opcodes.ALOAD, 0));
                            at.add(new VarInsnNode(Opcodes.ALOAD, tmpC));
                            at.add(new FieldInsnNode(Opcodes.PUTFIELD, frame.name, "awaitingFailure",
                                    "Ljava/lang/Class;"));
                        }
                        save(at, frame, locals, stack, spillBase, k);
                        at.add(new FieldInsnNode(Opcodes.GETSTATIC, FRAME, "SUSPEND", "Ljava/lang/Object;"));
                        at.add(new InsnNode(Opcodes.ARETURN));
                        at.add(after);
                        back.add(new VarInsnNode(Opcodes.ALOAD, 0));
                        back.add(new FieldInsnNode(Opcodes.GETFIELD, frame.name, "awaiting", "L" + FUTURE + ";"));
                        back.add(new VarInsnNode(Opcodes.ASTORE, tmpF));
                        if (sk == SiteKind.AWAIT_UNWRAP) {
                            back.add(new VarInsnNode(Opcodes.ALOAD, 0));
                            back.add(new FieldInsnNode(Opcodes.GETFIELD, frame.name, "awaitingFailure",
                                    "Ljava/lang/Class;"));
                            back.add(new VarInsnNode(Opcodes.ASTORE, tmpC));
                        }
                        back.add(new JumpInsnNode(Opcodes.GOTO, poll));
                    }
                    code.insertBefore(c, at);
                    code.remove(c);
                    tail.add(back);
                } else if (c.getOpcode() == Opcodes.ARETURN) {
                    AbstractInsnNode prev = c.getPrevious();
                    boolean joined = false; // another path jumps to this return (b ? other : Async.done(x))
                    while (prev != null && prev.getOpcode() < 0) {
                        joined |= prev instanceof LabelNode l && jumpTargets.contains(l);
                        prev = prev.getPrevious();
                    }
                    boolean doneCall = kind == Kind.FUTURE && !joined && prev instanceof MethodInsnNode pm
                            && pm.getOpcode() == Opcodes.INVOKESTATIC && pm.owner.equals(ASYNC)
                            && pm.name.equals("done");
                    if (kind == Kind.FN || doneCall) {
                        InsnList done = new InsnList();
                        done.add(new VarInsnNode(Opcodes.ASTORE, tmpF));
                        done.add(new VarInsnNode(Opcodes.ALOAD, 0));
                        done.add(new VarInsnNode(Opcodes.ALOAD, tmpF));
                        done.add(new FieldInsnNode(Opcodes.PUTFIELD, frame.name, "result", "Ljava/lang/Object;"));
                        done.add(new FieldInsnNode(Opcodes.GETSTATIC, FRAME, "DONE", "Ljava/lang/Object;"));
                        code.insertBefore(c, done);
                        if (doneCall) {
                            code.remove(prev); // Async.done(x): x itself is the result, no future made
                        }
                    }
                }
            }

            // Entry: dispatch on the label.
            InsnList entry = new InsnList();
            LabelNode start = new LabelNode();
            LabelNode bad = new LabelNode();
            entry.add(new VarInsnNode(Opcodes.ALOAD, 0));
            entry.add(new TypeInsnNode(Opcodes.CHECKCAST, frame.name));
            entry.add(new VarInsnNode(Opcodes.ASTORE, 0));
            entry.add(new VarInsnNode(Opcodes.ALOAD, 0));
            entry.add(new FieldInsnNode(Opcodes.GETFIELD, frame.name, "label", "I"));
            LabelNode[] targets = new LabelNode[resumes.size() + 1];
            targets[0] = start;
            for (int r = 0; r < resumes.size(); r++) {
                targets[r + 1] = resumes.get(r);
            }
            entry.add(new TableSwitchInsnNode(0, resumes.size(), bad, targets));
            entry.add(bad);
            entry.add(new TypeInsnNode(Opcodes.NEW, "java/lang/IllegalStateException"));
            entry.add(new InsnNode(Opcodes.DUP));
            entry.add(new LdcInsnNode("corrupt async frame label"));
            entry.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "java/lang/IllegalStateException", "<init>",
                    "(Ljava/lang/String;)V", false));
            entry.add(new InsnNode(Opcodes.ATHROW));
            entry.add(start);
            int slot = 0;
            for (int p = 0; p < frame.params.size(); p++) {
                Type t = frame.params.get(p);
                entry.add(new VarInsnNode(Opcodes.ALOAD, 0));
                entry.add(new FieldInsnNode(Opcodes.GETFIELD, frame.name, "p" + p, t.getDescriptor()));
                entry.add(new VarInsnNode(t.getOpcode(Opcodes.ISTORE), slot + 2));
                slot += t.getSize();
            }
            code.insert(entry);
            code.add(tail);
            b.instructions = code;
            b.maxLocals = spillBase + maxSpill;
            b.maxStack = m.maxStack + 4;
            return b;
        }

        /** @return whether the analyzer knows the value is the {@code null} constant (typed "null") */
        static boolean isNull(BasicValue v) {
            return v != null && !(v instanceof Typing.Uninit) && v.getType() != null
                    && v.getType().getSort() == Type.OBJECT && v.getType().getInternalName().equals("null");
        }

        boolean hasMethod(String name, String desc) {
            return cn.methods.stream().anyMatch(x -> x.name.equals(name) && x.desc.equals(desc));
        }

        /** @return the field kind of a value (I, J, F, D or Object), or {@code null} if there is nothing to save */
        static Type kindOf(BasicValue v) {
            if (v == null || v.getType() == null || v instanceof Typing.Uninit) {
                return null;
            }
            return switch (v.getType().getSort()) {
                case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> Type.INT_TYPE;
                case Type.LONG -> Type.LONG_TYPE;
                case Type.FLOAT -> Type.FLOAT_TYPE;
                case Type.DOUBLE -> Type.DOUBLE_TYPE;
                case Type.OBJECT, Type.ARRAY -> v.getType().getInternalName().equals("null") ? null
                        : Type.getObjectType(OBJECT);
                default -> null;
            };
        }

        /** Spills the stack into temporaries, then stores locals and stack into the frame; sets the label. */
        static void save(InsnList at, FrameClass frame, List<Slot> locals, List<Slot> stack, int spillBase, int k) {
            int[] spill = new int[stack.size()];
            int next = spillBase;
            for (int s = 0; s < stack.size(); s++) {
                spill[s] = next;
                next += stack.get(s).kind().getSize();
            }
            for (int s = stack.size() - 1; s >= 0; s--) {
                at.add(new VarInsnNode(stack.get(s).kind().getOpcode(Opcodes.ISTORE), spill[s]));
            }
            for (Slot l : locals) {
                at.add(new VarInsnNode(Opcodes.ALOAD, 0));
                at.add(new VarInsnNode(l.kind().getOpcode(Opcodes.ILOAD), l.index() + 2));
                at.add(new FieldInsnNode(Opcodes.PUTFIELD, frame.name, l.field(), l.kind().getDescriptor()));
            }
            for (int s = 0; s < stack.size(); s++) {
                Slot v = stack.get(s);
                at.add(new VarInsnNode(Opcodes.ALOAD, 0));
                at.add(new VarInsnNode(v.kind().getOpcode(Opcodes.ILOAD), spill[s]));
                at.add(new FieldInsnNode(Opcodes.PUTFIELD, frame.name, v.field(), v.kind().getDescriptor()));
            }
            at.add(new VarInsnNode(Opcodes.ALOAD, 0));
            at.add(k <= 5 ? new InsnNode(Opcodes.ICONST_0 + k) : k <= Short.MAX_VALUE
                    ? new IntInsnNode(k <= Byte.MAX_VALUE ? Opcodes.BIPUSH : Opcodes.SIPUSH, k) : new LdcInsnNode(k));
            at.add(new FieldInsnNode(Opcodes.PUTFIELD, frame.name, "label", "I"));
        }

        /** Restores locals (into their slots) and the stack (pushed) from the frame. */
        static void restore(InsnList back, FrameClass frame, List<Slot> locals, List<Slot> stack) {
            for (Slot l : locals) {
                back.add(new VarInsnNode(Opcodes.ALOAD, 0));
                back.add(new FieldInsnNode(Opcodes.GETFIELD, frame.name, l.field(), l.kind().getDescriptor()));
                castBack(back, l);
                back.add(new VarInsnNode(l.kind().getOpcode(Opcodes.ISTORE), l.index() + 2));
            }
            for (Slot v : stack) {
                if (v.type() != null && v.type().getSort() == Type.OBJECT && v.type().getInternalName().equals("null")) {
                    back.add(new InsnNode(Opcodes.ACONST_NULL)); // typed "null", usable as any reference type
                    continue;
                }
                back.add(new VarInsnNode(Opcodes.ALOAD, 0));
                back.add(new FieldInsnNode(Opcodes.GETFIELD, frame.name, v.field(), v.kind().getDescriptor()));
                castBack(back, v);
            }
        }

        static void castBack(InsnList back, Slot s) {
            if (s.kind().getSort() == Type.OBJECT && s.type() != null
                    && !s.type().getInternalName().equals(OBJECT) && !s.type().getInternalName().equals("null")) {
                back.add(new TypeInsnNode(Opcodes.CHECKCAST, s.type().getInternalName()));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The frame class of one async method, built as its fields are discovered. */
    static final class FrameClass {
        final String name;
        final String base;
        final List<Type> params;
        final Map<String, Type> fields = new LinkedHashMap<>();

        FrameClass(String name, String base, List<Type> params) {
            this.name = name;
            this.base = base;
            this.params = params;
        }

        /** @return the field for position {@code pos} ("l3", "s0") of kind {@code kind}, declared once */
        String field(String pos, Type kind) {
            String f = pos + kind.getDescriptor().charAt(0);
            fields.putIfAbsent(f, kind);
            return f;
        }

        /**
         * {@code AsyncFrame.poll}'s hot path with the body called directly: {@code running()} ? body → pending,
         * or {@code complete(r)}, a throw going through {@code fail(e)} : {@code super.poll(cx)}.
         */
        MethodNode poll(ClassNode host, MethodNode body, boolean hostIsInterface) {
            MethodNode p = new MethodNode(Opcodes.ACC_PUBLIC, "poll", "(L" + CONTEXT + ";)L" + POLL + ";", null, null);
            LabelNode slow = new LabelNode();
            LabelNode start = new LabelNode();
            LabelNode end = new LabelNode();
            LabelNode handler = new LabelNode();
            LabelNode done = new LabelNode();
            InsnList c = p.instructions;
            c.add(new VarInsnNode(Opcodes.ALOAD, 0));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, name, "running", "()Z", false));
            c.add(new JumpInsnNode(Opcodes.IFEQ, slow));
            c.add(start);
            c.add(new VarInsnNode(Opcodes.ALOAD, 0));
            c.add(new VarInsnNode(Opcodes.ALOAD, 1));
            for (int extra = Type.getArgumentTypes(body.desc).length - 2; extra > 0; extra--) {
                c.add(new InsnNode(Opcodes.ICONST_0)); // see buildBody: overloads
            }
            c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, host.name, body.name, body.desc, hostIsInterface));
            c.add(end);
            c.add(new VarInsnNode(Opcodes.ASTORE, 2));
            c.add(new VarInsnNode(Opcodes.ALOAD, 2));
            c.add(new FieldInsnNode(Opcodes.GETSTATIC, FRAME, "SUSPEND", "Ljava/lang/Object;"));
            c.add(new JumpInsnNode(Opcodes.IF_ACMPNE, done));
            c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, POLL, "pending", "()L" + POLL + ";", true));
            c.add(new InsnNode(Opcodes.ARETURN));
            c.add(done);
            c.add(new VarInsnNode(Opcodes.ALOAD, 0));
            c.add(new VarInsnNode(Opcodes.ALOAD, 2));
            c.add(new VarInsnNode(Opcodes.ALOAD, 1));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, name, "complete",
                    "(Ljava/lang/Object;L" + CONTEXT + ";)L" + POLL + ";", false));
            c.add(new InsnNode(Opcodes.ARETURN));
            c.add(handler);
            c.add(new VarInsnNode(Opcodes.ASTORE, 2));
            c.add(new VarInsnNode(Opcodes.ALOAD, 0));
            c.add(new VarInsnNode(Opcodes.ALOAD, 2));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, name, "fail",
                    "(Ljava/lang/Throwable;)Ljava/lang/RuntimeException;", false));
            c.add(new InsnNode(Opcodes.ATHROW));
            c.add(slow);
            c.add(new VarInsnNode(Opcodes.ALOAD, 0));
            c.add(new VarInsnNode(Opcodes.ALOAD, 1));
            c.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, FRAME, "poll", "(L" + CONTEXT + ";)L" + POLL + ";",
                    false));
            c.add(new InsnNode(Opcodes.ARETURN));
            p.tryCatchBlocks.add(new TryCatchBlockNode(start, end, handler, "java/lang/Throwable"));
            return p;
        }

        byte[] bytes(ClassNode host, MethodNode body, boolean hostIsInterface, Unit unit) {
            ClassNode c = new ClassNode();
            c.version = Math.max(host.version & 0xFFFF, Opcodes.V17);
            c.access = Opcodes.ACC_FINAL | Opcodes.ACC_SYNTHETIC | Opcodes.ACC_SUPER;
            c.name = name;
            c.superName = base;
            c.sourceFile = host.sourceFile;
            for (int p = 0; p < params.size(); p++) {
                c.fields.add(new FieldNode(0, "p" + p, params.get(p).getDescriptor(), null, null));
            }
            for (Map.Entry<String, Type> f : fields.entrySet()) {
                String desc = f.getValue().getSort() == Type.OBJECT ? "Ljava/lang/Object;"
                        : f.getValue().getDescriptor();
                c.fields.add(new FieldNode(0, f.getKey(), desc, null, null));
            }
            MethodNode init = new MethodNode(0, "<init>",
                    Type.getMethodDescriptor(Type.VOID_TYPE, params.toArray(Type[]::new)), null, null);
            init.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
            init.instructions.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, base, "<init>", "()V", false));
            int slot = 1;
            for (int p = 0; p < params.size(); p++) {
                Type t = params.get(p);
                init.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
                init.instructions.add(new VarInsnNode(t.getOpcode(Opcodes.ILOAD), slot));
                init.instructions.add(new FieldInsnNode(Opcodes.PUTFIELD, name, "p" + p, t.getDescriptor()));
                slot += t.getSize();
            }
            init.instructions.add(new InsnNode(Opcodes.RETURN));
            c.methods.add(init);
            MethodNode resume = new MethodNode(Opcodes.ACC_PROTECTED, "resume",
                    "(L" + CONTEXT + ";)Ljava/lang/Object;", null, null);
            resume.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
            resume.instructions.add(new VarInsnNode(Opcodes.ALOAD, 1));
            for (int extra = Type.getArgumentTypes(body.desc).length - 2; extra > 0; extra--) {
                resume.instructions.add(new InsnNode(Opcodes.ICONST_0)); // see buildBody: overloads
            }
            resume.instructions.add(new MethodInsnNode(Opcodes.INVOKESTATIC, host.name, body.name, body.desc,
                    hostIsInterface));
            resume.instructions.add(new InsnNode(Opcodes.ARETURN));
            c.methods.add(resume);
            if (base.equals(FRAME)) {
                c.methods.add(poll(host, body, hostIsInterface));
            }
            ClassWriter w = unit.writer();
            c.accept(w);
            return w.toByteArray();
        }
    }
}
