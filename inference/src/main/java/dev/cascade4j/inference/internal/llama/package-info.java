/**
 * Internal to cascade4j: not API, may change in any release.
 * <p>
 * The llama.cpp engine behind {@code LocalModel.load}.
 */
package dev.cascade4j.inference.internal.llama;
