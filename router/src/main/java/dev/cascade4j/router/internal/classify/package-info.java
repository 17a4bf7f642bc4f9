/**
 * Internal to cascade4j: not API, may change in any release.
 * <p>
 * Route classification: embeddings, classifier, tool ranking.
 */
package dev.cascade4j.router.internal.classify;
