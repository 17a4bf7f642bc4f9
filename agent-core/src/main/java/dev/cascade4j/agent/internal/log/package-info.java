/**
 * Internal to cascade4j: not API, may change in any release.
 * <p>
 * Query log JSON mapping.
 */
package dev.cascade4j.agent.internal.log;
