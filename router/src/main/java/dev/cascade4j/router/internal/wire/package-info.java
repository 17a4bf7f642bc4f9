/**
 * Internal to cascade4j: not API, may change in any release.
 * <p>
 * The versioned JSON form of the messages between a router node and a model node.
 */
package dev.cascade4j.router.internal.wire;
