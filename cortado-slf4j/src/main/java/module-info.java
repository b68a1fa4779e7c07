/**
 * Cortado's SLF4J bridge: {@link io.cortado.slf4j.Slf4jSubscriber} logs Cortado tracing events through SLF4J 2
 * with the span context in the MDC.
 */
module io.cortado.slf4j {
    requires transitive io.cortado;
    requires transitive org.slf4j;

    exports io.cortado.slf4j;
}
