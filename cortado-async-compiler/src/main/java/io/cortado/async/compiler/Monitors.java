package io.cortado.async.compiler;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.AnalyzerException;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/** How many monitors a method holds before each instruction ({@code synchronized} blocks), by a dataflow walk. */
final class Monitors {
    private Monitors() {
    }

    /** @return the monitor depth before each instruction ({@code -1} where unreachable) */
    static int[] depths(String owner, MethodNode m) throws AnalyzerException {
        int n = m.instructions.size();
        ControlFlow cfg = ControlFlow.of(owner, m);
        List<List<Integer>> normal = cfg.normal();
        List<List<Integer>> thrown = cfg.thrown();
        int[] depth = new int[n];
        Arrays.fill(depth, -1);
        depth[0] = 0;
        ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(0));
        while (!todo.isEmpty()) {
            int i = todo.pop();
            int op = m.instructions.get(i).getOpcode();
            int after = depth[i] + (op == Opcodes.MONITORENTER ? 1 : op == Opcodes.MONITOREXIT ? -1 : 0);
            for (int s : normal.get(i)) {
                if (depth[s] < 0) {
                    depth[s] = after;
                    todo.push(s);
                }
            }
            for (int s : thrown.get(i)) {
                if (depth[s] < 0) {
                    depth[s] = Math.max(0, depth[i]);
                    todo.push(s);
                }
            }
        }
        return depth;
    }
}
