/**
 * Internal to cascade4j: not API, may change in any release.
 * <p>
 * Downloads, cache locks and progress output for model and native sources.
 */
package dev.cascade4j.inference.internal.source;
