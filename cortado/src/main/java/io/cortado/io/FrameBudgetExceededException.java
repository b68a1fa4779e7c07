package io.cortado.io;

import java.io.IOException;

/**
 * A reader needed more buffer for a partially received frame than its {@link FrameBudget} had left: the frames being
 * received on all the connections sharing that budget already hold it. The reader has dropped its buffered bytes;
 * close the connection.
 */
public final class FrameBudgetExceededException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what was needed and what the budget held */
    public FrameBudgetExceededException(String message) {
        super(message);
    }
}
