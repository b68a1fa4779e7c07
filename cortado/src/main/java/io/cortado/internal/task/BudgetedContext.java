package io.cortado.internal.task;

import io.cortado.Context;

/**
 * A {@link Context} with the cooperative budget of one poll: {@link #resetBudget()} before the poll, then each
 * {@link #consumeBudget()} spends a unit. Touched only by the polling thread (plain field).
 */
public abstract class BudgetedContext implements Context {
    private int budget;

    /** Gives the next poll a full budget of {@link Context#TASK_BUDGET} operations. */
    protected final void resetBudget() {
        budget = TASK_BUDGET;
    }

    @Override
    public final boolean consumeBudget() {
        if (budget > 0) {
            budget--;
            return true;
        }
        return false;
    }
}
