package dev.cascade4j.inference.source;

/** Told how a download is going. */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void started(String what, long totalBytes) {
        }

        @Override
        public void advanced(long bytesSoFar) {
        }

        @Override
        public void finished() {
        }
    };

    /** @param totalBytes -1 when unknown */
    void started(String what, long totalBytes);

    void advanced(long bytesSoFar);

    void finished();
}
