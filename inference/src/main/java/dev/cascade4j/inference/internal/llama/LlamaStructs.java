package dev.cascade4j.inference.internal.llama;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.util.List;

/**
 * The C structs of llama.h that cross the FFM boundary, written from the header of the pinned
 * llama.cpp version. Every field is listed (with the padding the C ABI inserts) so that offsets are
 * computed, not guessed; a test compiles a C program against the same header and compares each size
 * and offset, so an upgrade that moves a field fails that test instead of corrupting memory.
 */
final class LlamaStructs {
    private LlamaStructs() {
    }

    private static final long SIZE_T = ADDRESS.byteSize();

    public static final StructLayout MODEL_PARAMS = MemoryLayout.structLayout(
            ADDRESS.withName("devices"),
            ADDRESS.withName("tensor_buft_overrides"),
            JAVA_INT.withName("n_gpu_layers"),
            JAVA_INT.withName("split_mode"),
            JAVA_INT.withName("load_mode"),
            JAVA_INT.withName("lazy_mode"),
            JAVA_INT.withName("main_gpu"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("tensor_split"),
            ADDRESS.withName("progress_callback"),
            ADDRESS.withName("progress_callback_user_data"),
            ADDRESS.withName("kv_overrides"),
            JAVA_BOOLEAN.withName("vocab_only"),
            JAVA_BOOLEAN.withName("check_tensors"),
            JAVA_BOOLEAN.withName("use_extra_bufts"),
            JAVA_BOOLEAN.withName("no_host"),
            JAVA_BOOLEAN.withName("no_alloc"),
            JAVA_BOOLEAN.withName("load_mtp"),
            MemoryLayout.paddingLayout(2)).withName("llama_model_params");

    public static final StructLayout CONTEXT_PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("n_ctx"),
            JAVA_INT.withName("n_batch"),
            JAVA_INT.withName("n_ubatch"),
            JAVA_INT.withName("n_seq_max"),
            JAVA_INT.withName("n_rs_seq"),
            JAVA_INT.withName("n_outputs_max"),
            JAVA_INT.withName("n_outputs_max_per_seq"),
            JAVA_INT.withName("n_threads"),
            JAVA_INT.withName("n_threads_batch"),
            JAVA_INT.withName("ctx_type"),
            JAVA_INT.withName("rope_scaling_type"),
            JAVA_INT.withName("pooling_type"),
            JAVA_INT.withName("attention_type"),
            JAVA_INT.withName("flash_attn_type"),
            JAVA_FLOAT.withName("rope_freq_base"),
            JAVA_FLOAT.withName("rope_freq_scale"),
            JAVA_FLOAT.withName("yarn_ext_factor"),
            JAVA_FLOAT.withName("yarn_attn_factor"),
            JAVA_FLOAT.withName("yarn_beta_fast"),
            JAVA_FLOAT.withName("yarn_beta_slow"),
            JAVA_INT.withName("yarn_orig_ctx"),
            JAVA_FLOAT.withName("defrag_thold"),
            ADDRESS.withName("cb_eval"),
            ADDRESS.withName("cb_eval_user_data"),
            JAVA_INT.withName("type_k"),
            JAVA_INT.withName("type_v"),
            ADDRESS.withName("abort_callback"),
            ADDRESS.withName("abort_callback_data"),
            JAVA_BOOLEAN.withName("embeddings"),
            JAVA_BOOLEAN.withName("offload_kqv"),
            JAVA_BOOLEAN.withName("no_perf"),
            JAVA_BOOLEAN.withName("op_offload"),
            JAVA_BOOLEAN.withName("swa_full"),
            JAVA_BOOLEAN.withName("kv_unified"),
            MemoryLayout.paddingLayout(2),
            ADDRESS.withName("samplers"),
            JAVA_LONG.withName("n_samplers"),
            ADDRESS.withName("ctx_other")).withName("llama_context_params");

    public static final StructLayout BATCH = MemoryLayout.structLayout(
            JAVA_INT.withName("n_tokens"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("token"),
            ADDRESS.withName("embd"),
            ADDRESS.withName("pos"),
            ADDRESS.withName("n_seq_id"),
            ADDRESS.withName("seq_id"),
            ADDRESS.withName("logits")).withName("llama_batch");

    public static final StructLayout TOKEN_DATA = MemoryLayout.structLayout(
            JAVA_INT.withName("id"),
            JAVA_FLOAT.withName("logit"),
            JAVA_FLOAT.withName("p")).withName("llama_token_data");

    public static final StructLayout TOKEN_DATA_ARRAY = MemoryLayout.structLayout(
            ADDRESS.withName("data"),
            JAVA_LONG.withName("size"),
            JAVA_LONG.withName("selected"),
            JAVA_BOOLEAN.withName("sorted"),
            MemoryLayout.paddingLayout(7)).withName("llama_token_data_array");

    public static final StructLayout CHAT_MESSAGE = MemoryLayout.structLayout(
            ADDRESS.withName("role"),
            ADDRESS.withName("content")).withName("llama_chat_message");

    /** ggml.h (included by llama.h): filled by ggml_threadpool_params_init, read by ggml_threadpool_new. */
    public static final StructLayout THREADPOOL_PARAMS = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(512, JAVA_BOOLEAN).withName("cpumask"),
            JAVA_INT.withName("n_threads"),
            JAVA_INT.withName("prio"),
            JAVA_INT.withName("poll"),
            JAVA_BOOLEAN.withName("strict_cpu"),
            JAVA_BOOLEAN.withName("paused"),
            MemoryLayout.paddingLayout(2)).withName("ggml_threadpool_params");

    /** Every struct the bindings use, for the layout check against the C header. */
    public static final List<StructLayout> ALL = List.of(
            MODEL_PARAMS, CONTEXT_PARAMS, BATCH, TOKEN_DATA, TOKEN_DATA_ARRAY, CHAT_MESSAGE, THREADPOOL_PARAMS);

    /** Byte offset of a named field. */
    public static long offset(StructLayout struct, String field) {
        return struct.byteOffset(PathElement.groupElement(field));
    }

    static {
        if (SIZE_T != 8) {
            throw new ExceptionInInitializerError("cascade4j's llama.cpp bindings support 64-bit platforms only");
        }
    }
}
