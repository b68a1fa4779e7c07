package io.cortado.examples.replicated;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.sync.Watch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The primary's state (see {@link ReplicatedKv}): the log of writes, the map they build, and the highest entry
 * each backup acknowledged.
 *
 * <p>Every method is {@code synchronized} and none waits, so connection tasks and replicators may run on any worker
 * thread. Waiting happens outside the lock, on two {@link Watch} channels that the methods update while holding it,
 * so each channel's value only grows: {@link #appended} (the last entry's number) wakes replicators waiting for
 * work, {@link #committed} (the highest entry a majority applied) wakes {@code SET}s waiting for their answer.
 */
final class PrimaryLog {
    /** One write: entry {@code seq} of the log (entries are numbered from 1). */
    record Entry(long seq, String key, String value) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, String> data = new HashMap<>();
    /** Per backup: the highest entry it acknowledged (it has applied every entry up to it). */
    private final long[] acked;
    /** How many backups must have applied an entry, besides the primary, for a majority: ⌈backups / 2⌉. */
    private final int backupsNeeded;
    private final Watch.Sender<Long> lastSeq = Watch.channel(0L).sender();
    private final Watch.Sender<Long> commitIndex = Watch.channel(0L).sender();

    PrimaryLog(int backups) {
        this.acked = new long[backups];
        this.backupsNeeded = (backups + 1) / 2; // a majority of 1 + backups nodes, less the primary
    }

    /** Appends entry {@code last + 1} and applies it to the primary's map. @return its number */
    synchronized long append(String key, String value) {
        long seq = entries.size() + 1;
        entries.add(new Entry(seq, key, value));
        data.put(key, value);
        lastSeq.send(seq);
        if (backupsNeeded == 0) {
            commitIndex.send(seq); // a group of one is its own majority
        }
        return seq;
    }

    /** @return entry {@code seq}, which exists ({@code 1 <= seq <=} the last entry's number) */
    synchronized Entry entry(long seq) {
        return entries.get(Math.toIntExact(seq - 1));
    }

    /** @return the last entry's number (0 for an empty log) */
    synchronized long lastSeq() {
        return entries.size();
    }

    /** @return the primary's value of {@code key} */
    synchronized Optional<String> get(String key) {
        return Optional.ofNullable(data.get(key));
    }

    /**
     * Records that backup {@code backup} has applied every entry up to {@code seq}, and advances the commit index to
     * the highest entry that enough backups have: the {@code backupsNeeded}-th highest acknowledgement.
     */
    synchronized void acknowledged(int backup, long seq) {
        if (seq <= acked[backup] || seq > entries.size()) {
            return; // old news (a duplicate answer), or not an entry of ours (ignored: never acknowledged)
        }
        acked[backup] = seq;
        long[] sorted = acked.clone();
        Arrays.sort(sorted);
        long majority = sorted[sorted.length - backupsNeeded];
        if (majority > commitIndex.borrow()) {
            commitIndex.send(majority);
        }
    }

    /** @return a future that completes once entry {@code seq} exists */
    Future<Void> appended(long seq) {
        return atLeast(lastSeq, seq);
    }

    /** @return a future that completes once a majority of the group has applied entry {@code seq} */
    Future<Void> committed(long seq) {
        return atLeast(commitIndex, seq);
    }

    /**
     * Waits until the watched value is at least {@code target}: read the value (which marks it seen), and if it is
     * too small wait for a newer one and read again. A change between the read and the wait is not missed: the
     * wait completes at once for any value newer than the one read.
     */
    private static Future<Void> atLeast(Watch.Sender<Long> watched, long target) {
        Watch.Receiver<Long> receiver = watched.subscribe();
        return new Future<>() {
            private Future<Void> changed;

            @Override
            public Poll<Void> poll(Context cx) {
                for (; ; ) {
                    if (changed != null) {
                        if (!changed.poll(cx).isReady()) {
                            return Poll.pending();
                        }
                        changed = null;
                    }
                    if (receiver.borrow() >= target) {
                        return Poll.ready(null);
                    }
                    changed = receiver.changed();
                }
            }

            @Override
            public void cancel() {
                if (changed != null) {
                    changed.cancel();
                }
            }
        };
    }
}
