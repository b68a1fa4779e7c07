package io.cortado.io;

/**
 * A decoder and an encoder of the same frame type, for {@link Framed}.
 *
 * @param <T> the frame type
 */
public interface Codec<T> extends Decoder<T>, Encoder<T> {
}
