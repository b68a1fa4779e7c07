package io.cortado.async.compiler;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.Interpreter;
import org.objectweb.asm.tree.analysis.SimpleVerifier;

import java.util.List;

/**
 * The type of every local and stack value at every instruction of a method: ASM's {@link SimpleVerifier} with the
 * class hierarchy read from class files, plus the one thing it does not model: which references are still
 * uninitialised ({@code new T} before its constructor ran), which an {@code await} cannot save.
 */
final class Typing {
    private Typing() {
    }

    /** A reference made by {@code new} whose constructor has not run yet; equal only to itself. */
    static final class Uninit extends BasicValue {
        final TypeInsnNode newInsn;

        Uninit(Type type, TypeInsnNode newInsn) {
            super(type);
            this.newInsn = newInsn;
        }

        @Override
        public boolean equals(Object o) {
            return o == this;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** The verifier, asking {@link ClassHierarchy} instead of loading classes. */
    static final class Verifier extends SimpleVerifier {
        private final ClassHierarchy hierarchy;
        /**
         * One uninitialised value per {@code new} instruction, as the JVM's {@code uninitialized(offset)}: the
         * analyzer executes an instruction again whenever the frame before it changes, and two values for one
         * {@code new} would merge into an unusable one.
         */
        private final java.util.Map<TypeInsnNode, Uninit> uninits = new java.util.HashMap<>();

        Verifier(ClassHierarchy hierarchy, Type owner, Type superType, List<Type> interfaces, boolean isInterface) {
            super(Opcodes.ASM9, owner, superType, interfaces, isInterface);
            this.hierarchy = hierarchy;
        }

        @Override
        public BasicValue newOperation(AbstractInsnNode insn) throws AnalyzerException {
            if (insn.getOpcode() == Opcodes.NEW) {
                return uninits.computeIfAbsent((TypeInsnNode) insn, n -> new Uninit(Type.getObjectType(n.desc), n));
            }
            return super.newOperation(insn);
        }

        @Override
        public BasicValue merge(BasicValue a, BasicValue b) {
            if (a instanceof Uninit || b instanceof Uninit) {
                return a == b ? a : BasicValue.UNINITIALIZED_VALUE;
            }
            return super.merge(a, b);
        }

        @Override
        protected boolean isInterface(Type type) {
            return hierarchy.isInterface(type.getInternalName());
        }

        @Override
        protected Type getSuperClass(Type type) {
            String s = hierarchy.superName(type.getInternalName());
            return s == null ? null : Type.getObjectType(s);
        }

        @Override
        protected boolean isAssignableFrom(Type type1, Type type2) {
            if (type1.equals(type2)) {
                return true;
            }
            if (type1.getSort() == Type.ARRAY || type2.getSort() == Type.ARRAY) {
                return super.isAssignableFrom(type1, type2);
            }
            return hierarchy.isAssignable(type1.getInternalName(), type2.getInternalName());
        }

        @Override
        protected boolean isSubTypeOf(BasicValue value, BasicValue expected) {
            Type v = value.getType();
            Type e = expected.getType();
            if (v != null && e != null && e.getSort() == Type.OBJECT && !v.equals(e)
                    && (v.getSort() == Type.OBJECT || v.getSort() == Type.ARRAY) && !(value instanceof Uninit)
                    && isInterface(e)) {
                // as the JVM's verifier: any reference may be used where an interface is expected (a merge of
                // String and StringBuilder is an Object, passed on as a CharSequence); SimpleVerifier would ask
                // for the interface's Class here
                return true;
            }
            return super.isSubTypeOf(value, expected);
        }

        @Override
        protected Class<?> getClass(Type type) {
            throw new IllegalStateException("class loading is not allowed while compiling async methods: " + type);
        }
    }

    /** A frame that marks every copy of a reference initialised once its constructor has run. */
    static final class InitFrame extends Frame<BasicValue> {
        InitFrame(int locals, int stack) {
            super(locals, stack);
        }

        InitFrame(Frame<? extends BasicValue> f) {
            super(f);
        }

        @Override
        public void execute(AbstractInsnNode insn, Interpreter<BasicValue> interpreter) throws AnalyzerException {
            if (insn.getOpcode() == Opcodes.INVOKESPECIAL && ((MethodInsnNode) insn).name.equals("<init>")) {
                int args = Type.getArgumentTypes(((MethodInsnNode) insn).desc).length;
                BasicValue receiver = getStack(getStackSize() - args - 1);
                super.execute(insn, interpreter);
                if (receiver instanceof Uninit u) {
                    BasicValue done = new BasicValue(u.getType());
                    for (int i = 0; i < getLocals(); i++) {
                        if (getLocal(i) == u) {
                            setLocal(i, done);
                        }
                    }
                    for (int i = 0; i < getStackSize(); i++) {
                        if (getStack(i) == u) {
                            setStack(i, done);
                        }
                    }
                }
                return;
            }
            super.execute(insn, interpreter);
        }
    }

    /** @return the frame before each instruction ({@code null} where unreachable) */
    static Frame<BasicValue>[] analyze(String owner, MethodNode m, Verifier verifier) throws AnalyzerException {
        Analyzer<BasicValue> a = new Analyzer<>(verifier) {
            @Override
            protected Frame<BasicValue> newFrame(int numLocals, int numStack) {
                return new InitFrame(numLocals, numStack);
            }

            @Override
            protected Frame<BasicValue> newFrame(Frame<? extends BasicValue> frame) {
                return new InitFrame(frame);
            }
        };
        return a.analyze(owner, m);
    }
}
