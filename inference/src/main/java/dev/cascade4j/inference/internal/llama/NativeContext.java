package dev.cascade4j.inference.internal.llama;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.cascade4j.inference.InferenceException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

/**
 * A {@code llama_context}: the KV cache shared by all sequences, and one reusable batch. Used from
 * the model's decode thread only.
 */
final class NativeContext implements DecodeScheduler.Context, AutoCloseable {
    private final LlamaLibrary lib;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment ctx;
    private final MemorySegment memory;
    private final MemorySegment threadpool;
    private final int vocabSize;
    final int batchCapacity;

    // The batch's arrays live in our arena; llama_decode takes the struct by value.
    private final MemorySegment batch;
    private final MemorySegment tokens;
    private final MemorySegment positions;
    private final MemorySegment seqIdCounts;
    private final MemorySegment seqIdPointers;
    private final MemorySegment seqIds;
    private final MemorySegment outputFlags;
    private int size;
    private boolean closed;

    NativeContext(NativeModel model, int contextTokens, int sequences, int batchSize, int threads) {
        this.lib = model.lib;
        this.vocabSize = model.vocabSize;
        this.batchCapacity = batchSize;
        try {
            MemorySegment params = (MemorySegment) lib.contextDefaultParams.invokeExact((SegmentAllocator) arena);
            setInt(params, "n_ctx", contextTokens);
            setInt(params, "n_batch", batchSize);
            setInt(params, "n_ubatch", batchSize);
            setInt(params, "n_seq_max", sequences);
            setInt(params, "n_threads", threads);
            setInt(params, "n_threads_batch", threads);
            // One cell pool for all sequences, so a shared prompt prefix can be copied between them for free.
            params.set(JAVA_BOOLEAN, LlamaStructs.offset(LlamaStructs.CONTEXT_PARAMS, "kv_unified"), true);
            // Full-size sliding-window cache: without it a sequence cannot be cut back to a shared prefix.
            params.set(JAVA_BOOLEAN, LlamaStructs.offset(LlamaStructs.CONTEXT_PARAMS, "swa_full"), true);
            params.set(JAVA_BOOLEAN, LlamaStructs.offset(LlamaStructs.CONTEXT_PARAMS, "no_perf"), true);
            ctx = (MemorySegment) lib.initFromModel.invokeExact(model.model, params);
            if (ctx.equals(MemorySegment.NULL)) {
                arena.close();
                throw new InferenceException.ResourceUnavailable("llama.cpp could not create a context of " + contextTokens
                        + " tokens for " + sequences + " sequences (out of memory?); lower contextPerSequence or parallelSequences");
            }
            memory = (MemorySegment) lib.getMemory.invokeExact(ctx);
            threadpool = attachThreadpool(lib, ctx, threads);
        } catch (InferenceException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        batch = arena.allocate(LlamaStructs.BATCH);
        tokens = arena.allocate(JAVA_INT, batchSize);
        positions = arena.allocate(JAVA_INT, batchSize);
        seqIdCounts = arena.allocate(JAVA_INT, batchSize);
        seqIdPointers = arena.allocate(ADDRESS, batchSize);
        seqIds = arena.allocate(JAVA_INT, batchSize);
        outputFlags = arena.allocate(JAVA_BYTE, batchSize);
        for (int i = 0; i < batchSize; i++) {
            seqIdCounts.setAtIndex(JAVA_INT, i, 1);
            seqIdPointers.setAtIndex(ADDRESS, i, seqIds.asSlice(i * 4L, 4));
        }
        batch.set(ADDRESS, LlamaStructs.offset(LlamaStructs.BATCH, "token"), tokens);
        batch.set(ADDRESS, LlamaStructs.offset(LlamaStructs.BATCH, "embd"), MemorySegment.NULL);
        batch.set(ADDRESS, LlamaStructs.offset(LlamaStructs.BATCH, "pos"), positions);
        batch.set(ADDRESS, LlamaStructs.offset(LlamaStructs.BATCH, "n_seq_id"), seqIdCounts);
        batch.set(ADDRESS, LlamaStructs.offset(LlamaStructs.BATCH, "seq_id"), seqIdPointers);
        batch.set(ADDRESS, LlamaStructs.offset(LlamaStructs.BATCH, "logits"), outputFlags);
    }

    /** A persistent pool of decode threads for the context (see LlamaLibrary), or NULL when the backend has none to offer. */
    private MemorySegment attachThreadpool(LlamaLibrary lib, MemorySegment ctx, int threads) throws Throwable {
        if (lib.threadpoolNew == null) {
            return MemorySegment.NULL;
        }
        MemorySegment params = arena.allocate(LlamaStructs.THREADPOOL_PARAMS);
        lib.threadpoolParamsInit.invokeExact(params, threads);
        // Workers sleep between decodes instead of spinning for work (ggml's default polls for a few hundred
        // milliseconds): generation is as fast here, and an idle model leaves the cores to the others.
        params.set(JAVA_INT, LlamaStructs.offset(LlamaStructs.THREADPOOL_PARAMS, "poll"), 0);
        MemorySegment pool = (MemorySegment) lib.threadpoolNew.invokeExact(params);
        if (!pool.equals(MemorySegment.NULL)) {
            lib.attachThreadpool.invokeExact(ctx, pool, pool);
        }
        return pool;
    }

    private static void setInt(MemorySegment params, String field, int value) {
        params.set(JAVA_INT, LlamaStructs.offset(LlamaStructs.CONTEXT_PARAMS, field), value);
    }

    int contextSize() {
        try {
            return (int) lib.nCtx.invokeExact(ctx);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void clearBatch() {
        size = 0;
    }

    @Override
    public int batchSize() {
        return size;
    }

    @Override
    public int batchRoom() {
        return batchCapacity - size;
    }

    /** Adds a token; returns its index in the batch, which names its logits when {@code output} is set. */
    @Override
    public int add(int token, int position, int sequence, boolean output) {
        int i = size++;
        tokens.setAtIndex(JAVA_INT, i, token);
        positions.setAtIndex(JAVA_INT, i, position);
        seqIds.setAtIndex(JAVA_INT, i, sequence);
        outputFlags.set(JAVA_BYTE, i, (byte) (output ? 1 : 0));
        return i;
    }

    /** Evaluates the batch. Returns llama_decode's code: 0 ok, 1 no room in the KV cache, other values errors. */
    @Override
    public int decode() {
        batch.set(JAVA_INT, 0, size);
        try {
            return (int) lib.decode.invokeExact(ctx, batch);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The raw logits of batch entry {@code index}, valid until the next decode. */
    MemorySegment logits(int index) {
        MemorySegment row;
        try {
            row = (MemorySegment) lib.getLogitsIth.invokeExact(ctx, index);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        if (row.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("llama.cpp returned no logits for batch index " + index);
        }
        return row.reinterpret((long) vocabSize * 4);
    }

    /** Removes positions [from, to) of a sequence (to = -1: to the end). */
    @Override
    public boolean removeTokens(int sequence, int from, int to) {
        try {
            return (boolean) lib.memorySeqRm.invokeExact(memory, sequence, from, to);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Makes positions [0, length) of {@code source} visible to {@code target} too, sharing the cells. */
    @Override
    public void copyPrefix(int source, int target, int length) {
        try {
            lib.memorySeqCp.invokeExact(memory, source, target, 0, length);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    void clearMemory() {
        try {
            lib.memoryClear.invokeExact(memory, true);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                lib.free.invokeExact(ctx);
                if (!threadpool.equals(MemorySegment.NULL)) {
                    lib.threadpoolFree.invokeExact(threadpool); // after the context that used it
                }
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            } finally {
                arena.close();
            }
        }
    }
}
