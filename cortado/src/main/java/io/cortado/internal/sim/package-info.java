/**
 * The seams of deterministic simulation (exported only to {@code io.cortado.test}): a simulated network behind the
 * socket types, a spawn hook, and a factory of single-threaded seeded runtimes.
 */
package io.cortado.internal.sim;
