/**
 * Tracing: structured {@link io.cortado.trace.Event}s and {@link io.cortado.trace.Span}s produced through
 * {@link io.cortado.trace.Tracer}s and consumed by an installed {@link io.cortado.trace.Subscriber}; span context
 * follows futures across worker threads. With no subscriber, tracing costs a comparison per call site.
 */
package io.cortado.trace;
