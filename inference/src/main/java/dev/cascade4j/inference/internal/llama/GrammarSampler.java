package dev.cascade4j.inference.internal.llama;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.cascade4j.inference.InferenceException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * llama.cpp's grammar sampler, used as a filter: offered a few candidate tokens, it says which the
 * grammar allows next. The sampler is fed only the tokens actually appended, in order, so its state
 * always matches the text generated so far.
 */
final class GrammarSampler implements AutoCloseable {
    private static final long TOKEN_DATA_SIZE = LlamaStructs.TOKEN_DATA.byteSize();

    private final LlamaLibrary lib;
    private final MemorySegment sampler;
    private boolean closed;

    private GrammarSampler(LlamaLibrary lib, MemorySegment sampler) {
        this.lib = lib;
        this.sampler = sampler;
    }

    /**
     * Compiles a GBNF grammar.
     *
     * @throws InferenceException.InvalidRequest with llama.cpp's parse error when it rejects the grammar
     */
    static GrammarSampler create(NativeModel model, String gbnf, String root) {
        LlamaLibrary lib = model.lib;
        try (Arena arena = Arena.ofConfined()) {
            LlamaLibrary.ErrorCapture capture = LlamaLibrary.captureErrors();
            MemorySegment s;
            try {
                s = (MemorySegment) lib.samplerInitGrammar.invokeExact(model.vocab, arena.allocateFrom(gbnf), arena.allocateFrom(root));
            } finally {
                capture.close();
            }
            if (s.equals(MemorySegment.NULL)) {
                String why = capture.text().isBlank() ? "" : ": " + capture.text().strip();
                throw new InferenceException.InvalidRequest("llama.cpp rejected the grammar" + why
                        + " (its parser wrote the position of the error to standard error); check the GBNF syntax");
            }
            return new GrammarSampler(lib, s);
        } catch (InferenceException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Marks which of {@code count} candidate tokens the grammar allows next.
     *
     * @return how many are allowed
     */
    int filter(Scratch scratch, int[] candidates, int count, boolean[] allowed) {
        MemorySegment data = scratch.data;
        for (int i = 0; i < count; i++) {
            long at = i * TOKEN_DATA_SIZE;
            data.set(JAVA_INT, at, candidates[i]);
            data.set(JAVA_FLOAT, at + 4, 0f);
            data.set(JAVA_FLOAT, at + 8, 0f);
        }
        apply(scratch, count);
        int n = 0;
        for (int i = 0; i < count; i++) {
            boolean ok = data.get(JAVA_FLOAT, i * TOKEN_DATA_SIZE + 4) != Float.NEGATIVE_INFINITY;
            allowed[i] = ok;
            if (ok) {
                n++;
            }
        }
        return n;
    }

    private void apply(Scratch scratch, int count) {
        MemorySegment array = scratch.array;
        array.set(ADDRESS, 0, scratch.data);
        array.set(JAVA_LONG, 8, count);
        array.set(JAVA_LONG, 16, -1L);
        array.set(JAVA_BOOLEAN, 24, false);
        try {
            lib.samplerApply.invokeExact(sampler, array);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Advances the grammar past a token that was appended to the sequence. */
    void accept(int token) {
        try {
            lib.samplerAccept.invokeExact(sampler, token);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                lib.samplerFree.invokeExact(sampler);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Native buffers for candidate arrays, sized for the whole vocabulary, reused across calls on one thread. */
    static final class Scratch implements AutoCloseable {
        private final Arena arena = Arena.ofShared();
        final MemorySegment data;
        final MemorySegment array;

        Scratch(int vocabSize) {
            data = arena.allocate(LlamaStructs.TOKEN_DATA, vocabSize);
            array = arena.allocate(LlamaStructs.TOKEN_DATA_ARRAY);
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
