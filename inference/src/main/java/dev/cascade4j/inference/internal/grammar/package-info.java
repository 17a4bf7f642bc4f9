/**
 * Internal to cascade4j: not API, may change in any release.
 * <p>
 * The tool-call grammar and its parser.
 */
package dev.cascade4j.inference.internal.grammar;
