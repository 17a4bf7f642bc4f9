package dev.cascade4j.inference.internal.llama;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.cascade4j.inference.InferenceException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** A loaded {@code llama_model} and its vocabulary. Owns the native model until closed. */
final class NativeModel implements AutoCloseable {
    private static final byte[] GGUF_MAGIC = {'G', 'G', 'U', 'F'};

    final LlamaLibrary lib;
    final MemorySegment model;
    final MemorySegment vocab;
    final int vocabSize;
    final Path path;
    private final byte[][] pieces;
    private boolean closed;

    private NativeModel(LlamaLibrary lib, MemorySegment model, Path path) throws Throwable {
        this.lib = lib;
        this.model = model;
        this.path = path;
        this.vocab = (MemorySegment) lib.modelGetVocab.invokeExact(model);
        this.vocabSize = (int) lib.vocabNTokens.invokeExact(vocab);
        this.pieces = new byte[vocabSize][];
    }

    static NativeModel load(LlamaLibrary lib, Path gguf, int gpuLayers) {
        checkFile(gguf);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = (MemorySegment) lib.modelDefaultParams.invokeExact((SegmentAllocator) arena);
            params.set(JAVA_INT, LlamaStructs.offset(LlamaStructs.MODEL_PARAMS, "n_gpu_layers"), gpuLayers);
            MemorySegment model = (MemorySegment) lib.modelLoadFromFile.invokeExact(
                    arena.allocateFrom(gguf.toAbsolutePath().toString()), params);
            if (model.equals(MemorySegment.NULL)) {
                throw new InferenceException.ResourceUnavailable("llama.cpp could not load " + gguf
                        + ": the file is not a GGUF model it supports, or it is truncated or corrupt; fetch it again with ./cascade4j models pull");
            }
            return new NativeModel(lib, model, gguf);
        } catch (InferenceException e) {
            throw e;
        } catch (Throwable e) {
            throw new InferenceException.ResourceUnavailable("loading " + gguf + " failed: " + e, e);
        }
    }

    // llama.cpp logs and returns NULL for most bad files, but a check here gives a clearer message first.
    private static void checkFile(Path gguf) {
        if (!Files.isRegularFile(gguf)) {
            throw new InferenceException.ResourceUnavailable("model file " + gguf + " not found; fetch one with ./cascade4j models pull REF");
        }
        try (InputStream in = Files.newInputStream(gguf)) {
            byte[] magic = in.readNBytes(4);
            if (!Arrays.equals(magic, GGUF_MAGIC)) {
                throw new InferenceException.ResourceUnavailable("model file " + gguf + " is not a GGUF file (it does not start with 'GGUF')");
            }
        } catch (IOException e) {
            throw new InferenceException.ResourceUnavailable("cannot read model file " + gguf + ": " + e.getMessage(), e);
        }
    }

    String description() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            int n = (int) lib.modelDesc.invokeExact(model, buf, 256L);
            return n < 0 ? "" : buf.getString(0);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** A GGUF metadata value as text, or null when the key is absent. */
    String metadata(String key) {
        try (Arena arena = Arena.ofConfined()) {
            int size = 1 << 12;
            while (true) {
                MemorySegment buf = arena.allocate(size);
                int n = (int) lib.modelMetaValStr.invokeExact(model, arena.allocateFrom(key), buf, (long) size);
                if (n < 0) {
                    return null;
                }
                if (n < size) {
                    return buf.getString(0);
                }
                size = n + 1;
            }
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The model's embedded chat template (Jinja text), or null. */
    String chatTemplate() {
        try {
            MemorySegment t = (MemorySegment) lib.modelChatTemplate.invokeExact(model, MemorySegment.NULL);
            return t.equals(MemorySegment.NULL) ? null : t.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    long parameters() {
        try {
            return (long) lib.modelNParams.invokeExact(model);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    long sizeBytes() {
        try {
            return (long) lib.modelSize.invokeExact(model);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    int trainedContext() {
        try {
            return (int) lib.modelNCtxTrain.invokeExact(model);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    boolean addsBos() {
        try {
            return (boolean) lib.vocabGetAddBos.invokeExact(vocab);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    boolean isEndOfGeneration(int token) {
        try {
            return (boolean) lib.vocabIsEog.invokeExact(vocab, token);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    int eos() {
        try {
            return (int) lib.vocabEos.invokeExact(vocab);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Tokenizes text. {@code special} both adds the BOS token when the model wants one and parses
     * control tokens written in the text (as chat templates write them).
     */
    int[] tokenize(String text, boolean special) {
        return tokenize(text, special, special);
    }

    /**
     * Tokenizes text; {@code addSpecial} adds the BOS (and whatever else the model adds around a text),
     * {@code parseSpecial} reads control tokens written in the text.
     */
    int[] tokenize(String text, boolean addSpecial, boolean parseSpecial) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(utf8.length + 1L);
            MemorySegment.copy(utf8, 0, in, JAVA_BYTE, 0, utf8.length);
            int capacity = utf8.length + 8;
            while (true) {
                MemorySegment out = arena.allocate(JAVA_INT, capacity);
                int n = (int) lib.tokenize.invokeExact(vocab, in, utf8.length, out, capacity, addSpecial, parseSpecial);
                if (n == Integer.MIN_VALUE) {
                    throw new InferenceException.InvalidRequest("text is too long to tokenize");
                }
                if (n >= 0) {
                    return out.asSlice(0, (long) n * 4).toArray(JAVA_INT);
                }
                capacity = -n;
            }
        } catch (InferenceException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token's own text as the vocabulary stores it (for control tokens, the literal marker such as {@code <|im_start|>}). */
    String text(int token) {
        try {
            MemorySegment t = (MemorySegment) lib.vocabGetText.invokeExact(vocab, token);
            return t.equals(MemorySegment.NULL) ? "" : t.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token's {@code llama_token_attr} bits. */
    int attributes(int token) {
        try {
            return (int) lib.vocabGetAttr.invokeExact(vocab, token);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes a token stands for (not always whole UTF-8 characters), cached per token. */
    byte[] piece(int token) {
        byte[] p = pieces[token];
        if (p == null) {
            p = pieceUncached(token);
            pieces[token] = p;
        }
        return p;
    }

    private byte[] pieceUncached(int token) {
        try (Arena arena = Arena.ofConfined()) {
            int size = 64;
            while (true) {
                MemorySegment buf = arena.allocate(size);
                int n = (int) lib.tokenToPiece.invokeExact(vocab, token, buf, size, 0, false);
                if (n >= 0) {
                    return buf.asSlice(0, n).toArray(JAVA_BYTE);
                }
                size = -n;
            }
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                lib.modelFree.invokeExact(model);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
