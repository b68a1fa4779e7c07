package io.cortado.async.compiler;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.AnalyzerException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which local slots are live (read later, on some path, before being written) before each instruction: a backward
 * dataflow over the method's control flow, exception edges included (a {@code catch} or {@code finally} block that
 * reads a local keeps it live across the code it protects). An await saves only the live locals.
 */
final class Liveness {
    private Liveness() {
    }

    /** @return the live slots before each instruction */
    static BitSet[] liveIn(String owner, MethodNode m) throws AnalyzerException {
        int n = m.instructions.size();
        ControlFlow cfg = ControlFlow.of(owner, m);
        List<List<Integer>> succ = new ArrayList<>();
        List<List<Integer>> pred = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            succ.add(new ArrayList<>(cfg.normal().get(i)));
            succ.get(i).addAll(cfg.thrown().get(i));
            pred.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int s : succ.get(i)) {
                pred.get(s).add(i);
            }
        }
        BitSet[] use = new BitSet[n];
        BitSet[] def = new BitSet[n];
        BitSet[] in = new BitSet[n];
        for (int i = 0; i < n; i++) {
            use[i] = new BitSet();
            def[i] = new BitSet();
            in[i] = new BitSet();
            AbstractInsnNode insn = m.instructions.get(i);
            if (insn instanceof VarInsnNode v) {
                int op = v.getOpcode();
                if (op >= Opcodes.ISTORE && op <= Opcodes.ASTORE) {
                    def[i].set(v.var);
                } else if (op != Opcodes.RET) {
                    use[i].set(v.var);
                }
            } else if (insn instanceof IincInsnNode v) {
                use[i].set(v.var);
            }
        }
        ArrayDeque<Integer> todo = new ArrayDeque<>();
        for (int i = n - 1; i >= 0; i--) {
            todo.add(i);
        }
        boolean[] queued = new boolean[n];
        java.util.Arrays.fill(queued, true);
        while (!todo.isEmpty()) {
            int i = todo.poll();
            queued[i] = false;
            BitSet out = new BitSet();
            for (int s : succ.get(i)) {
                out.or(in[s]);
            }
            out.andNot(def[i]);
            out.or(use[i]);
            if (!out.equals(in[i])) {
                in[i] = out;
                for (int p : pred.get(i)) {
                    if (!queued[p]) {
                        queued[p] = true;
                        todo.add(p);
                    }
                }
            }
        }
        return in;
    }
}
