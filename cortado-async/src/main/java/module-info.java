/**
 * Cortado's async methods: {@link io.cortado.async.Async} ({@code await}, {@code fn}, {@code yield}) and the frame
 * classes that code compiled by cortado-async-compiler extends. Depends on the core only.
 */
module io.cortado.async {
    requires transitive io.cortado;

    exports io.cortado.async;
}
