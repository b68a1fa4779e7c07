/**
 * The SLF4J bridge of Cortado tracing: install {@link io.cortado.slf4j.Slf4jSubscriber} with
 * {@link io.cortado.trace.Tracing#install} and Cortado events become SLF4J log records, on the logger named after the
 * event's target, with the span context in the MDC.
 */
package io.cortado.slf4j;
