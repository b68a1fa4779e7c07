/**
 * The OpenTelemetry bridge of Cortado tracing: install {@link io.cortado.opentelemetry.OpenTelemetrySubscriber} with
 * {@link io.cortado.trace.Tracing#install} and Cortado spans become OpenTelemetry spans (parented as the Cortado spans
 * are, ended when their futures end) and Cortado events become their span events.
 */
package io.cortado.opentelemetry;
