/**
 * Internal to cascade4j: not API, may change in any release.
 * <p>
 * The tool-call grammar and its parser, and the JSON-schema compiler behind
 * {@link dev.cascade4j.inference.grammar.JsonSchemaGrammar}: {@link GrammarRules} is its entry, and the
 * rule-building helpers the tool-call grammar builds from; the classes behind it compile each type's
 * keywords, merge combinators, patterns and integer bounds.
 */
package dev.cascade4j.inference.internal.grammar;
