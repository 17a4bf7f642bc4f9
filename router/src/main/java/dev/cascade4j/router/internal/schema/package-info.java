/**
 * Internal to cascade4j: not API, may change in any release.
 * <p>
 * JSON schema validation of answers and tool arguments.
 */
package dev.cascade4j.router.internal.schema;
