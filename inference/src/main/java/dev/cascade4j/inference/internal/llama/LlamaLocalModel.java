package dev.cascade4j.inference.internal.llama;

import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.Generation;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.ModelInfo;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A GGUF model served by llama.cpp in this process. Requests are compiled on the caller's thread
 * ({@link PromptCompiler}) and queued; one platform thread owns the context and runs the decode loop:
 * {@link DecodeScheduler} batches every running sequence and new prompts into one decode, then for
 * each sequence {@link TokenSampler} picks the next token from the raw logits, {@link ConfidenceRecorder}
 * scores it when it is a decision, and the text the grammar forces is appended without sampling.
 */
public final class LlamaLocalModel implements LocalModel {
    private static final System.Logger LOG = System.getLogger(LlamaLocalModel.class.getName());
    private static final int MAX_FORCED_CHARS = 96;
    /** How long the JVM's exit waits for a decode in flight: one decode step, with room for a slow machine. */
    private static final long EXIT_WAIT_MILLIS = 15_000;
    private static final Set<LlamaLocalModel> OPEN = ConcurrentHashMap.newKeySet();

    static {
        // A JVM that exits (Ctrl-C, SIGTERM, System.exit) while a decode runs would unload ggml under its
        // worker threads and crash in native code; stop every decode loop first, as close() does.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("cascade4j-engine-exit").unstarted(() -> {
            OPEN.forEach(m -> m.closed = true);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXIT_WAIT_MILLIS);
            for (LlamaLocalModel m : OPEN) {
                try {
                    m.decodeThread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }));
    }

    private final NativeModel model;
    private final NativeContext context;
    private final LocalModelOptions options;
    private final ModelInfo info;
    private final PromptCompiler compiler;
    private final BlockingQueue<Sequence> waiting;
    private final DecodeScheduler scheduler;
    private final TokenSampler sampler;
    private final GrammarSampler.Scratch scratch;
    private final ForcedTextProbe probe;
    private final Thread decodeThread;
    private volatile boolean closed;

    private LlamaLocalModel(NativeModel model, LocalModelOptions options) {
        this.model = model;
        this.options = options;
        int trained = model.trainedContext();
        int contextPerSequence = options.contextPerSequence() > 0 ? options.contextPerSequence() : Math.min(trained, 8192);
        int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
        int sequences = options.parallelSequences();
        this.context = new NativeContext(model, contextPerSequence * sequences, sequences, options.batchSize(), threads);
        ChatFormatter formatter = ChatFormatter.forModel(model, options.promptFormat());
        this.compiler = new PromptCompiler(model, formatter, PromptTokenizer.forModel(model), contextPerSequence, options.strictSchemas());
        this.waiting = new ArrayBlockingQueue<>(Math.max(1, options.queueCapacity()));
        this.scheduler = new DecodeScheduler(context, sequences);
        this.sampler = new TokenSampler(model.vocabSize, Math.max(options.grammarCandidates(), 256));
        this.scratch = new GrammarSampler.Scratch(model.vocabSize);
        this.probe = new ForcedTextProbe(model);
        String name = model.path.getFileName().toString().replaceFirst("\\.gguf$", "");
        this.info = new ModelInfo(name, model.path, model.description(), model.metadata("general.architecture"),
                model.parameters(), model.sizeBytes(), model.vocabSize, trained, contextPerSequence, sequences, formatter.name());
        this.decodeThread = Thread.ofPlatform().name("cascade4j-decode-" + name).daemon(true).unstarted(this::decodeLoop);
        OPEN.add(this);
        decodeThread.start();
    }

    public static LlamaLocalModel load(Path gguf, LocalModelOptions options) {
        NativeModel model = NativeModel.load(LlamaLibrary.get(), gguf, options.gpuLayers());
        try {
            return new LlamaLocalModel(model, options);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public int countTokens(String text) {
        return model.tokenize(text, false).length;
    }

    @Override
    public Generation submit(GenerationRequest request) {
        if (closed) {
            throw new InferenceException("model " + info.name() + " is closed");
        }
        Sequence sequence = compiler.compile(request);
        // A request cancelled while it waits leaves the queue at once: it is never prompt-processed.
        sequence.whenDroppedUnstarted(() -> waiting.remove(sequence));
        if (!waiting.offer(sequence)) {
            sequence.fail(new InferenceException.Overloaded("model " + info.name() + " has " + waiting.size()
                    + " requests waiting (queueCapacity); try again shortly"));
            throw new InferenceException.Overloaded("model " + info.name() + " is busy: its queue of "
                    + options.queueCapacity() + " waiting requests is full; retry later or raise queueCapacity");
        }
        return sequence;
    }

    // ---- decode thread ----

    private void decodeLoop() {
        try {
            while (!closed) {
                Sequence next;
                while (scheduler.hasRoom() && (next = waiting.poll()) != null) {
                    scheduler.start(next);
                }
                if (scheduler.isIdle()) {
                    next = waiting.poll(100, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        scheduler.start(next);
                    }
                    continue;
                }
                scheduler.step(this::nextToken);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.ERROR, "decode loop of " + info.name() + " failed", e);
            InferenceException failure = new InferenceException("the decode loop of " + info.name() + " failed: " + e, e);
            scheduler.active().forEach(s -> s.fail(failure));
            scheduler.active().clear();
        } finally {
            scheduler.active().forEach(s -> s.finish(FinishReason.CANCELLED));
            Sequence s;
            while ((s = waiting.poll()) != null) {
                if (s.claim()) {
                    s.fail(new InferenceException("model " + info.name() + " was closed before this request started"));
                }
            }
            scratch.close();
            context.close();
            model.close();
            OPEN.remove(this);
        }
    }

    /** Chooses the sequence's next token from the logits just computed, then appends it and any text the grammar forces. */
    private void nextToken(Sequence s) {
        boolean constrained = s.grammar != null;
        if (!s.firstTokenSeen && constrained && options.jumpForward() && !s.leadingTextForced) {
            // The answer may open with text the grammar fixes ({"name":" for a required call): append it first.
            s.leadingTextForced = true;
            appendForcedText(s);
            if (s.pendingTokens.size > 0 || s.result().isDone()) {
                return;
            }
        }
        int k = Math.max(options.grammarCandidates(), s.sampling.topK());
        TokenSampler.Filter filter = constrained ? (tokens, count, allowed) -> s.grammar.filter(scratch, tokens, count, allowed) : null;
        int token = sampler.sample(context.logits(s.logitIndex), k, filter, s.sampling, s.random);
        if (token < 0) {
            s.fail(new InferenceException("the grammar allows no token at this point; the grammar cannot be completed"));
            return;
        }
        if (s.firstTokenNanos == 0) {
            s.firstTokenNanos = System.nanoTime();
        }
        if (model.isEndOfGeneration(token)) {
            s.finish(FinishReason.STOP);
            return;
        }
        byte[] piece = model.piece(token);
        boolean carriesValue = ConfidenceRecorder.feedsValue(s.roles, piece);
        if (ConfidenceRecorder.decides(sampler.allowedCount, !s.firstTokenSeen, s.allTokensDecide, carriesValue)) {
            ConfidenceRecorder.record(s.confidence, sampler, constrained);
        }
        s.firstTokenSeen = true;
        s.generated++;
        s.emit(piece);
        if (constrained) {
            s.grammar.accept(token);
        }
        s.pendingTokens.add(token);
        if (s.stops.stopped()) {
            s.finish(FinishReason.STOP_STRING);
            return;
        }
        if (s.generated + s.forced >= s.tokenLimit) {
            s.finish(FinishReason.LENGTH);
            return;
        }
        if (constrained && options.jumpForward()) {
            appendForcedText(s);
        }
    }

    /** Appends the text the grammar admits as the only continuation, as tokens to decode in the next batch. */
    private void appendForcedText(Sequence s) {
        String forced = probe.forcedText(s.grammar, scratch, MAX_FORCED_CHARS);
        if (forced == null) {
            s.finish(FinishReason.STOP); // the grammar's answer is complete: only end-of-generation is allowed
            return;
        }
        if (forced.isEmpty()) {
            return;
        }
        int[] tokens = model.tokenize(forced, false);
        for (int t : tokens) {
            s.pendingTokens.add(t);
            byte[] piece = model.piece(t);
            ConfidenceRecorder.feedsValue(s.roles, piece);
            s.emit(piece);
            s.forced++;
        }
        if (s.stops.stopped()) {
            s.finish(FinishReason.STOP_STRING);
        } else if (s.generated + s.forced >= s.tokenLimit) {
            s.finish(FinishReason.LENGTH);
        } else if (probe.onlyEndAllowed(s.grammar, scratch)) {
            s.finish(FinishReason.STOP);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                decodeThread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
