package dev.cascade4j.inference.source;

import java.nio.file.Path;

/** A model file a source has just written into the cache, verified, with where it came from. */
record FetchedModel(Path file, String sha256, long size, String source) {
}
