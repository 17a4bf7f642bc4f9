/**
 * Internal to cascade4j: not API, may change in any release.
 * <p>
 * Configuration binding with located errors, durations, typed JSON reads.
 */
package dev.cascade4j.router.internal.parse;
