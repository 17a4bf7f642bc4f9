/**
 * Internal to cascade4j: not API, may change in any release.
 * <p>
 * Optional dependency checks shared by the modules.
 */
package dev.cascade4j.inference.internal;
