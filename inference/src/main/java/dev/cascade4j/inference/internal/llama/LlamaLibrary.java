package dev.cascade4j.inference.internal.llama;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.natives.LlamaNatives;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Downcall handles for the part of llama.cpp's C API (llama.h) that cascade4j uses. The native
 * libraries are process-wide, so there is one instance per JVM, loaded on first use from
 * {@link LlamaNatives#libraryDirectory()}.
 *
 * <p>Handles marked critical are short calls with no upcalls, where skipping the thread-state
 * transition is measurable at one call per token.
 */
final class LlamaLibrary {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final System.Logger LOG = System.getLogger("dev.cascade4j.inference.internal.llama");
    private static volatile LlamaLibrary instance;

    private final SymbolLookup llama;
    private final Path directory;

    final MethodHandle modelDefaultParams;
    final MethodHandle contextDefaultParams;
    final MethodHandle modelLoadFromFile;
    final MethodHandle modelFree;
    final MethodHandle initFromModel;
    final MethodHandle free;
    final MethodHandle modelGetVocab;
    final MethodHandle modelNCtxTrain;
    final MethodHandle modelSize;
    final MethodHandle modelNParams;
    final MethodHandle modelDesc;
    final MethodHandle modelMetaValStr;
    final MethodHandle modelChatTemplate;
    final MethodHandle vocabNTokens;
    final MethodHandle vocabIsEog;
    final MethodHandle vocabBos;
    final MethodHandle vocabEos;
    final MethodHandle vocabGetAddBos;
    final MethodHandle vocabGetText;
    final MethodHandle vocabGetAttr;
    final MethodHandle tokenize;
    final MethodHandle tokenToPiece;
    final MethodHandle chatApplyTemplate;
    final MethodHandle decode;
    final MethodHandle getLogitsIth;
    final MethodHandle getMemory;
    final MethodHandle memoryClear;
    final MethodHandle memorySeqRm;
    final MethodHandle memorySeqCp;
    final MethodHandle memorySeqPosMax;
    final MethodHandle nCtx;
    final MethodHandle nCtxSeq;
    final MethodHandle samplerInitGrammar;
    final MethodHandle samplerApply;
    final MethodHandle samplerAccept;
    final MethodHandle samplerReset;
    final MethodHandle samplerFree;
    final MethodHandle printSystemInfo;
    final MethodHandle attachThreadpool;
    final MethodHandle threadpoolParamsInit;
    // From the CPU backend module ggml loaded at run time; null when it does not export them.
    final MethodHandle threadpoolNew;
    final MethodHandle threadpoolFree;

    private LlamaLibrary(Path directory) {
        this.directory = directory;
        Path llamaFile = LlamaNatives.llamaLibrary(directory);
        Path ggmlFile = LlamaNatives.ggmlLibrary(directory);
        // dlopen resolves libllama's own dependencies (libggml, libggml-base) through its $ORIGIN runpath.
        SymbolLookup ggml = SymbolLookup.libraryLookup(ggmlFile, Arena.global());
        llama = SymbolLookup.libraryLookup(llamaFile, Arena.global());

        modelDefaultParams = fn("llama_model_default_params", FunctionDescriptor.of(LlamaStructs.MODEL_PARAMS));
        contextDefaultParams = fn("llama_context_default_params", FunctionDescriptor.of(LlamaStructs.CONTEXT_PARAMS));
        modelLoadFromFile = fn("llama_model_load_from_file", FunctionDescriptor.of(ADDRESS, ADDRESS, LlamaStructs.MODEL_PARAMS));
        modelFree = fn("llama_model_free", FunctionDescriptor.ofVoid(ADDRESS));
        initFromModel = fn("llama_init_from_model", FunctionDescriptor.of(ADDRESS, ADDRESS, LlamaStructs.CONTEXT_PARAMS));
        free = fn("llama_free", FunctionDescriptor.ofVoid(ADDRESS));
        modelGetVocab = critical("llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS));
        modelNCtxTrain = critical("llama_model_n_ctx_train", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        modelSize = critical("llama_model_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        modelNParams = critical("llama_model_n_params", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        modelDesc = fn("llama_model_desc", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        modelMetaValStr = fn("llama_model_meta_val_str", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        modelChatTemplate = fn("llama_model_chat_template", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        vocabNTokens = critical("llama_vocab_n_tokens", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        vocabIsEog = critical("llama_vocab_is_eog", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT));
        vocabBos = critical("llama_vocab_bos", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        vocabEos = critical("llama_vocab_eos", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        vocabGetAddBos = critical("llama_vocab_get_add_bos", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
        vocabGetText = critical("llama_vocab_get_text", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        vocabGetAttr = critical("llama_vocab_get_attr", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        tokenize = fn("llama_tokenize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_BOOLEAN, JAVA_BOOLEAN));
        tokenToPiece = critical("llama_token_to_piece", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_BOOLEAN));
        chatApplyTemplate = fn("llama_chat_apply_template", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_BOOLEAN, ADDRESS, JAVA_INT));
        decode = fn("llama_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, LlamaStructs.BATCH));
        getLogitsIth = critical("llama_get_logits_ith", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        getMemory = critical("llama_get_memory", FunctionDescriptor.of(ADDRESS, ADDRESS));
        memoryClear = fn("llama_memory_clear", FunctionDescriptor.ofVoid(ADDRESS, JAVA_BOOLEAN));
        memorySeqRm = fn("llama_memory_seq_rm", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
        memorySeqCp = fn("llama_memory_seq_cp", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        memorySeqPosMax = critical("llama_memory_seq_pos_max", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        nCtx = critical("llama_n_ctx", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        nCtxSeq = critical("llama_n_ctx_seq", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        samplerInitGrammar = fn("llama_sampler_init_grammar", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        samplerApply = fn("llama_sampler_apply", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        samplerAccept = fn("llama_sampler_accept", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        samplerReset = fn("llama_sampler_reset", FunctionDescriptor.ofVoid(ADDRESS));
        samplerFree = fn("llama_sampler_free", FunctionDescriptor.ofVoid(ADDRESS));
        printSystemInfo = fn("llama_print_system_info", FunctionDescriptor.of(ADDRESS));
        attachThreadpool = fn("llama_attach_threadpool", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        // libggml's lookup reaches libggml-base, its dependency, where the threadpool parameters live.
        threadpoolParamsInit = LINKER.downcallHandle(find(ggml, "ggml_threadpool_params_init"), FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));

        installLogger(ggml);
        loadBackends(ggml, directory, LlamaNatives.cpuBackend());
        MethodHandle[] pool = cpuThreadpoolFunctions(ggml);
        threadpoolNew = pool[0];
        threadpoolFree = pool[1];
    }

    /**
     * Loads ggml's backends: by default every backend in the folder, which keeps the CPU variant that
     * best fits this CPU (AVX2, AVX-512, ...) and GPU backends when present. A pinned CPU backend
     * loads only that variant, so the same numerics can be reproduced on any CPU that runs it.
     */
    private void loadBackends(SymbolLookup ggml, Path directory, String pinnedCpuBackend) {
        MethodHandle backendInit = fn("llama_backend_init", FunctionDescriptor.ofVoid());
        try (Arena arena = Arena.ofConfined()) {
            if (pinnedCpuBackend == null) {
                MethodHandle loadAll = LINKER.downcallHandle(find(ggml, "ggml_backend_load_all_from_path"), FunctionDescriptor.ofVoid(ADDRESS));
                loadAll.invokeExact(arena.allocateFrom(directory.toString()));
            } else {
                Path variant = LlamaNatives.cpuBackendLibrary(directory, pinnedCpuBackend);
                MethodHandle load = LINKER.downcallHandle(find(ggml, "ggml_backend_load"), FunctionDescriptor.of(ADDRESS, ADDRESS));
                MemorySegment registered = (MemorySegment) load.invokeExact(arena.allocateFrom(variant.toString()));
                if (registered.equals(MemorySegment.NULL)) {
                    throw new InferenceException.ResourceUnavailable("the CPU backend " + pinnedCpuBackend
                            + " (CASCADE4J_CPU_BACKEND) does not run on this CPU; pick an older one such as haswell or x64, or unset it");
                }
                LOG.log(System.Logger.Level.INFO, "ggml CPU backend pinned to " + pinnedCpuBackend);
            }
            backendInit.invokeExact();
        } catch (InferenceException e) {
            throw e;
        } catch (Throwable e) {
            throw new InferenceException.ResourceUnavailable("llama.cpp failed to initialise its backends from " + directory, e);
        }
    }

    /**
     * ggml_threadpool_new and _free of the CPU backend that was loaded, or nulls. A context without a
     * threadpool of its own starts and joins its worker threads on every llama_decode (these natives are
     * built without OpenMP); a persistent pool keeps them, as llama.cpp's own tools do.
     */
    private static MethodHandle[] cpuThreadpoolFunctions(SymbolLookup ggml) {
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle devByType = LINKER.downcallHandle(find(ggml, "ggml_backend_dev_by_type"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
            MethodHandle devReg = LINKER.downcallHandle(find(ggml, "ggml_backend_dev_backend_reg"), FunctionDescriptor.of(ADDRESS, ADDRESS));
            MethodHandle procAddress = LINKER.downcallHandle(find(ggml, "ggml_backend_reg_get_proc_address"),
                    FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
            MemorySegment cpu = (MemorySegment) devByType.invokeExact(0); // GGML_BACKEND_DEVICE_TYPE_CPU
            if (cpu.equals(MemorySegment.NULL)) {
                return new MethodHandle[2];
            }
            MemorySegment reg = (MemorySegment) devReg.invokeExact(cpu);
            MemorySegment create = (MemorySegment) procAddress.invokeExact(reg, arena.allocateFrom("ggml_threadpool_new"));
            MemorySegment destroy = (MemorySegment) procAddress.invokeExact(reg, arena.allocateFrom("ggml_threadpool_free"));
            if (create.equals(MemorySegment.NULL) || destroy.equals(MemorySegment.NULL)) {
                return new MethodHandle[2];
            }
            return new MethodHandle[] {
                LINKER.downcallHandle(create, FunctionDescriptor.of(ADDRESS, ADDRESS)),
                LINKER.downcallHandle(destroy, FunctionDescriptor.ofVoid(ADDRESS))};
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.DEBUG, "no CPU threadpool functions; contexts use ggml's per-call threads", e);
            return new MethodHandle[2];
        }
    }

    /** The process-wide bindings, loading the natives on first use. */
    public static LlamaLibrary get() {
        LlamaLibrary lib = instance;
        if (lib == null) {
            synchronized (LlamaLibrary.class) {
                lib = instance;
                if (lib == null) {
                    Path dir = LlamaNatives.libraryDirectory();
                    if (!Files.isDirectory(dir)) {
                        throw new InferenceException.ResourceUnavailable("llama.cpp library folder " + dir + " does not exist");
                    }
                    try {
                        lib = new LlamaLibrary(dir);
                    } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                        throw new InferenceException.ResourceUnavailable("could not load llama.cpp from " + dir + ": " + e.getMessage()
                                + ". Run ./cascade4j natives pull, or set CASCADE4J_LLAMA_LIB_DIR to a folder holding a llama.cpp build's libllama", e);
                    }
                    instance = lib;
                }
            }
        }
        return lib;
    }

    public Path directory() {
        return directory;
    }

    /** llama.cpp's description of the CPU features and backends it uses. */
    public String systemInfo() {
        try {
            return ((MemorySegment) printSystemInfo.invokeExact()).reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private MethodHandle fn(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(llama, name), descriptor);
    }

    private MethodHandle critical(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(llama, name), descriptor, Linker.Option.critical(false));
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new InferenceException.ResourceUnavailable(
                "llama.cpp library has no symbol " + name + ": the natives do not match the version cascade4j was built for; "
                        + "run ./cascade4j natives pull, or point CASCADE4J_LLAMA_LIB_DIR at a matching build"));
    }

    // llama.cpp logs to stderr by default; route it to System.Logger so applications control it.
    private void installLogger(SymbolLookup ggml) {
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(LlamaLibrary.class, "onLog",
                    MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class));
            FunctionDescriptor callback = FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS);
            MemorySegment stub = LINKER.upcallStub(target, callback, Arena.global());
            MethodHandle logSet = fn("llama_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
            logSet.invokeExact(stub, MemorySegment.NULL);
            MethodHandle ggmlLogSet = LINKER.downcallHandle(find(ggml, "ggml_log_set"), FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
            ggmlLogSet.invokeExact(stub, MemorySegment.NULL);
        } catch (Throwable e) {
            throw new IllegalStateException("could not install the llama.cpp log callback", e);
        }
    }

    private static final int GGML_LOG_LEVEL_WARN = 3;
    private static final int GGML_LOG_LEVEL_ERROR = 4;

    private static final ThreadLocal<StringBuilder> CAPTURED = new ThreadLocal<>();

    /** Collects the error lines llama.cpp logs on this thread until closed (they explain a NULL return). */
    static ErrorCapture captureErrors() {
        StringBuilder sb = new StringBuilder();
        CAPTURED.set(sb);
        return new ErrorCapture(sb);
    }

    record ErrorCapture(StringBuilder lines) implements AutoCloseable {
        String text() {
            return lines.toString();
        }

        @Override
        public void close() {
            CAPTURED.remove();
        }
    }

    /**
     * Warnings that say nothing actionable to a user: the full-size SWA cache is our choice (it lets
     * prompt prefixes be reused), and the token-type notice is about the model file's metadata.
     */
    private static boolean isExpected(String warning) {
        return warning.contains("using full-size SWA cache") || warning.contains("control-looking token");
    }

    private static void onLog(int level, MemorySegment text, MemorySegment userData) {
        StringBuilder captured = CAPTURED.get();
        if (captured != null && level == GGML_LOG_LEVEL_ERROR) {
            captured.append(text.reinterpret(Long.MAX_VALUE).getString(0));
        }
        System.Logger.Level mapped = switch (level) {
            case GGML_LOG_LEVEL_ERROR -> System.Logger.Level.ERROR;
            case GGML_LOG_LEVEL_WARN -> System.Logger.Level.WARNING;
            default -> System.Logger.Level.DEBUG;
        };
        if (LOG.isLoggable(mapped)) {
            String line = text.reinterpret(Long.MAX_VALUE).getString(0).stripTrailing();
            if (mapped == System.Logger.Level.WARNING && isExpected(line)) {
                mapped = System.Logger.Level.DEBUG;
            }
            if (!line.isEmpty() && LOG.isLoggable(mapped)) {
                LOG.log(mapped, line);
            }
        }
    }
}
