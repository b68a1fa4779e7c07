package io.cortado.examples.replicated;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A backup's state (see {@link ReplicatedKv}): the map built from the primary's log, and how many entries of the
 * log it has applied. Entries are applied strictly in order, so the map is always the primary's map as it was after
 * entry {@code applied}. {@code synchronized} methods that never wait: connections on any thread may call them.
 */
final class BackupState {
    private final Map<String, String> data = new HashMap<>();
    private long applied;

    /**
     * Applies entry {@code seq} if it is the next one.
     *
     * @return {@code ACK seq} if the entry is applied now or was before, {@code NEED n} for a gap (entry
     * {@code n = applied + 1} must come first)
     */
    synchronized String replicate(long seq, String key, String value) {
        if (seq == applied + 1) {
            data.put(key, value);
            applied = seq;
            return "ACK " + seq;
        }
        if (seq <= applied) {
            return "ACK " + seq; // a duplicate (a resend after a reconnect): already applied
        }
        return "NEED " + (applied + 1);
    }

    /** @return this backup's value of {@code key} */
    synchronized Optional<String> get(String key) {
        return Optional.ofNullable(data.get(key));
    }
}
