/**
 * Internal to cascade4j: not API, may change in any release.
 * <p>
 * Translation between langchain4j and cascade4j types.
 */
package dev.cascade4j.inference.internal.langchain4j;
