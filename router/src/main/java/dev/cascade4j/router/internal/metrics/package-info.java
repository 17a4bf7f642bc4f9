/**
 * Internal to cascade4j: not API, may change in any release.
 * <p>
 * Router metrics.
 */
package dev.cascade4j.router.internal.metrics;
