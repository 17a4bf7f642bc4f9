/**
 * Internal to cascade4j: not API, may change in any release.
 * <p>
 * The OpenAI tool format.
 */
package dev.cascade4j.tools.internal;
