/**
 * Internal to cascade4j: not API, may change in any release.
 * <p>
 * Request shaping for routes.
 */
package dev.cascade4j.router.internal;
