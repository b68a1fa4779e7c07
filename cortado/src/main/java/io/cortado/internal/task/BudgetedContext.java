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
        if (budget == 0) {
            budget = -1; // count a forced yield once per poll
            budgetExhausted();
        }
        return false;
    }

    /** Called the first time in a poll that the budget runs out (the task is then forced to yield). */
    protected void budgetExhausted() {
    }
}
