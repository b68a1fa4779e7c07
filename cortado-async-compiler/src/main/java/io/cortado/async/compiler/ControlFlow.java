package io.cortado.async.compiler;

import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicInterpreter;
import org.objectweb.asm.tree.analysis.BasicValue;

import java.util.ArrayList;
import java.util.List;

/**
 * A method's control-flow graph by instruction index, as ASM's analyzer walks it: the normal successors and the
 * exception-handler successors of each instruction (what {@link Monitors} and {@link Liveness} run their dataflow
 * over).
 *
 * @param normal each instruction's normal successors
 * @param thrown each instruction's exception-handler successors
 */
record ControlFlow(List<List<Integer>> normal, List<List<Integer>> thrown) {

    static ControlFlow of(String owner, MethodNode m) throws AnalyzerException {
        int n = m.instructions.size();
        List<List<Integer>> normal = new ArrayList<>();
        List<List<Integer>> thrown = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            normal.add(new ArrayList<>());
            thrown.add(new ArrayList<>());
        }
        new Analyzer<BasicValue>(new BasicInterpreter()) {
            @Override
            protected void newControlFlowEdge(int insn, int successor) {
                normal.get(insn).add(successor);
            }

            @Override
            protected boolean newControlFlowExceptionEdge(int insn, int successor) {
                thrown.get(insn).add(successor);
                return true;
            }
        }.analyze(owner, m);
        return new ControlFlow(normal, thrown);
    }
}
