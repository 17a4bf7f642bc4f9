/**
 * Internal to cascade4j: not API, may change in any release.
 * <p>
 * The large tier and the checks that escalate an answer.
 */
package dev.cascade4j.router.internal.escalate;
