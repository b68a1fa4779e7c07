package io.cortado.internal.future;

import io.cortado.Context;
import io.cortado.FusedFuture;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Selected;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The select family over a list of branches.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>Each poll starts at a branch chosen by {@code rng} (fairness: over many polls every branch gets to go first
 *       equally often), or at branch 0 when {@code rng} is {@code null} (biased).</li>
 *   <li>A branch that is a {@link FusedFuture} and {@linkplain FusedFuture#isTerminated() terminated} is skipped: it
 *       is disabled. When every branch is disabled the select fails with {@link IllegalStateException}.</li>
 *   <li>Consuming form ({@code owns}): the first branch to be ready wins and every other branch is cancelled; a
 *       branch that throws fails the select and the others are cancelled. Cancelling the select cancels all.</li>
 *   <li>Loop form (not {@code owns}): the winner's value is returned and the other branches are left as they are, to
 *       be selected on again; nothing is cancelled, not even when the select itself is cancelled.</li>
 *   <li>Race form ({@code race}): failures do not win: the first branch to succeed wins; only when every branch has
 *       failed does the race fail, with the last failure (the others suppressed).</li>
 * </ol>
 */
public final class SelectN<T> implements Future<Selected<T>> {
    private final Future<? extends T>[] branches;
    private final RandomGenerator rng;
    private final boolean owns;
    private final boolean race;
    private RuntimeException failures;
    private int failed;

    @SuppressWarnings({"unchecked", "rawtypes"})
    public SelectN(List<? extends Future<? extends T>> branches, RandomGenerator rng, boolean owns, boolean race) {
        if (branches.isEmpty()) {
            throw new IllegalArgumentException("branches : [] (expected: at least one future)");
        }
        this.branches = branches.toArray(new Future[0]);
        this.rng = rng;
        this.owns = owns;
        this.race = race;
    }

    @Override
    public Poll<Selected<T>> poll(Context cx) {
        int n = branches.length;
        int start = rng == null ? 0 : rng.nextInt(n);
        boolean anyEnabled = false;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            Future<? extends T> b = branches[i];
            if (b == null || b instanceof FusedFuture<?> f && f.isTerminated()) {
                continue; // rule 2
            }
            anyEnabled = true;
            Poll<? extends T> p;
            try {
                p = b.poll(cx);
            } catch (RuntimeException e) {
                if (!race) {
                    branches[i] = null;
                    cancelAll();
                    throw e;
                }
                branches[i] = null; // rule 5: a failure does not win
                failed++;
                if (failures == null) {
                    failures = e;
                } else {
                    e.addSuppressed(failures);
                    failures = e;
                }
                if (failed == n) {
                    throw failures;
                }
                continue;
            }
            if (p.isReady()) {
                if (owns) {
                    branches[i] = null;
                    cancelAll();
                }
                return Poll.ready(new Selected<>(i, p.value()));
            }
        }
        if (!anyEnabled) {
            throw new IllegalStateException("select: every branch is disabled (terminated)");
        }
        return Poll.pending();
    }

    private void cancelAll() {
        for (int i = 0; i < branches.length; i++) {
            Future<? extends T> b = branches[i];
            if (b != null) {
                branches[i] = null;
                b.cancel();
            }
        }
    }

    @Override
    public void cancel() {
        if (owns) {
            cancelAll();
        }
    }
}
