package io.cortado.stream;

import io.cortado.Context;
import io.cortado.Poll;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Many keyed streams multiplexed into one stream of {@code (key, item)} entries (Tokio's {@code StreamMap}), e.g.
 * one stream per connected client. Streams are polled in turn (round robin, so none starves); a stream that ends
 * is removed. {@code pollNext} gives the end when the map is empty; streams may be inserted afterwards.
 *
 * @param <K> the key type
 * @param <T> the item type
 */
public final class StreamMap<K, T> implements Stream<Map.Entry<K, T>> {
    private final LinkedHashMap<K, Stream<T>> streams = new LinkedHashMap<>();
    private int start;

    /** An empty map. */
    public StreamMap() {
    }

    /**
     * Adds a stream under {@code key}; a stream already there is cancelled and replaced.
     *
     * @param key    the key
     * @param stream the stream
     */
    public void insert(K key, Stream<T> stream) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(stream, "stream");
        Stream<T> old = streams.put(key, stream);
        if (old != null) {
            old.cancel();
        }
    }

    /**
     * Removes and cancels the stream under {@code key}.
     *
     * @param key the key
     * @return whether there was one
     */
    public boolean remove(K key) {
        Stream<T> old = streams.remove(key);
        if (old != null) {
            old.cancel();
        }
        return old != null;
    }

    /** @return how many streams are in the map */
    public int size() {
        return streams.size();
    }

    @Override
    public Poll<Map.Entry<K, T>> pollNext(Context cx) {
        List<Map.Entry<K, Stream<T>>> entries = new ArrayList<>(streams.entrySet());
        int n = entries.size();
        for (int k = 0; k < n; k++) {
            Map.Entry<K, Stream<T>> e = entries.get((start + k) % n);
            Poll<T> p = e.getValue().pollNext(cx);
            if (!p.isReady()) {
                continue;
            }
            if (p.value() == null) {
                streams.remove(e.getKey()); // ended: removed
                continue;
            }
            start = (start + k + 1) % n;
            return Poll.ready(Map.entry(e.getKey(), p.value()));
        }
        return streams.isEmpty() ? Poll.ready(null) : Poll.pending();
    }

    /** Cancels every stream and empties the map. */
    @Override
    public void cancel() {
        streams.values().forEach(Stream::cancel);
        streams.clear();
    }
}
