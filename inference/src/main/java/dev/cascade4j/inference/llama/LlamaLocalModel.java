package dev.cascade4j.inference.llama;

import dev.cascade4j.inference.FinishReason;
import dev.cascade4j.inference.Generation;
import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.LocalModel;
import dev.cascade4j.inference.LocalModelOptions;
import dev.cascade4j.inference.ModelInfo;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.grammar.Gbnf;
import dev.cascade4j.inference.grammar.JsonSchemaGrammar;
import dev.cascade4j.inference.grammar.ToolCallFormat;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A GGUF model served by llama.cpp in this process. One platform thread owns the context and runs
 * the decode loop: each iteration puts every active sequence's next tokens (and chunks of new
 * prompts) into one batch, decodes it, and picks each sequence's next token from the raw logits.
 */
public final class LlamaLocalModel implements LocalModel {
    private static final System.Logger LOG = System.getLogger(LlamaLocalModel.class.getName());
    private static final int MAX_FORCED_CHARS = 96;

    private final NativeModel model;
    private final NativeContext context;
    private final ChatFormatter formatter;
    private final PromptTokenizer tokenizer;
    private final LocalModelOptions options;
    private final ModelInfo info;
    private final int contextPerSequence;
    private final BlockingQueue<Sequence> waiting;
    private final Slot[] slots;
    private final Thread decodeThread;
    private final GrammarSampler.Scratch scratch;
    private final ForcedTextProbe probe;
    private final LogitStats stats;
    private final int[] candidateTokens;
    private final boolean[] candidateAllowed;
    private volatile boolean closed;

    private LlamaLocalModel(NativeModel model, LocalModelOptions options) {
        this.model = model;
        this.options = options;
        int trained = model.trainedContext();
        this.contextPerSequence = options.contextPerSequence() > 0 ? options.contextPerSequence() : Math.min(trained, 8192);
        int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
        int sequences = options.parallelSequences();
        this.context = new NativeContext(model, contextPerSequence * sequences, sequences, options.batchSize(), threads);
        this.formatter = ChatFormatter.forModel(model, options.promptFormat());
        this.tokenizer = PromptTokenizer.forModel(model);
        this.waiting = new ArrayBlockingQueue<>(Math.max(1, options.queueCapacity()));
        this.slots = new Slot[sequences];
        for (int i = 0; i < sequences; i++) {
            slots[i] = new Slot(i);
        }
        this.scratch = new GrammarSampler.Scratch(model.vocabSize);
        this.probe = new ForcedTextProbe(model);
        this.stats = new LogitStats(Math.max(options.grammarCandidates(), 256));
        this.candidateTokens = new int[model.vocabSize];
        this.candidateAllowed = new boolean[model.vocabSize];
        String name = model.path.getFileName().toString().replaceFirst("\\.gguf$", "");
        this.info = new ModelInfo(name, model.path, model.description(), model.metadata("general.architecture"),
                model.parameters(), model.sizeBytes(), model.vocabSize, trained, contextPerSequence, sequences, formatter.name());
        this.decodeThread = Thread.ofPlatform().name("cascade4j-decode-" + name).daemon(true).unstarted(this::decodeLoop);
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
        Sequence sequence = prepare(request);
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

    // Formats, tokenizes and compiles the grammar on the caller's thread, so bad requests fail fast and the decode thread stays busy with decoding.
    private Sequence prepare(GenerationRequest request) {
        int[] prompt = tokenizer.tokenize(formatter.format(request));
        if (prompt.length >= contextPerSequence) {
            throw new InferenceException.InvalidRequest("prompt is " + prompt.length + " tokens but the context holds "
                    + contextPerSequence + " per request; shorten the conversation or load the model with a larger contextPerSequence");
        }
        int limit = Math.min(request.sampling().maxTokens(), contextPerSequence - prompt.length);

        Gbnf grammar = null;
        Function<String, ToolCallFormat.Parsed> parser = null;
        boolean freeText = false;
        if (request.wantsTools()) {
            if (options.strictSchemas()) {
                request.tools().forEach(t -> JsonSchemaGrammar.requireExact(t.parameters(), "/tools/" + t.name() + "/parameters"));
            }
            grammar = ToolCallFormat.grammar(request.tools(), request.toolChoice(), request.parallelToolCalls(), formatter.toolCallSyntax());
            List<String> names = request.tools().stream().map(t -> t.name()).toList();
            parser = text -> ToolCallFormat.parse(text, names);
            freeText = request.toolChoice().mode() == ToolChoice.Mode.AUTO;
        } else {
            switch (request.responseFormat()) {
                case ResponseFormat.Text t -> freeText = true;
                case ResponseFormat.JsonObject j -> grammar = JsonSchemaGrammar.convert(JsonNodeFactory.instance.objectNode().put("type", "object"));
                case ResponseFormat.JsonSchema s -> grammar = JsonSchemaGrammar.convert(s.schema(), options.strictSchemas());
                case ResponseFormat.Grammar g -> grammar = new Gbnf(g.gbnf(), g.root());
            }
        }
        GrammarSampler sampler = grammar == null ? null : GrammarSampler.create(model, grammar.text(), grammar.root());
        return new Sequence(prompt, request.sampling(), sampler, request.listener(), limit, parser, freeText && grammar == null);
    }

    // ---- decode thread ----

    private void decodeLoop() {
        List<Sequence> active = new ArrayList<>();
        try {
            while (!closed) {
                admit(active);
                if (active.isEmpty()) {
                    Sequence next = waiting.poll(100, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        startSequence(next, active);
                    }
                    continue;
                }
                step(active);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.ERROR, "decode loop of " + info.name() + " failed", e);
            InferenceException failure = new InferenceException("the decode loop of " + info.name() + " failed: " + e, e);
            active.forEach(s -> s.fail(failure));
            active.clear();
        } finally {
            active.forEach(s -> s.finish(FinishReason.CANCELLED));
            Sequence s;
            while ((s = waiting.poll()) != null) {
                if (s.claim()) {
                    s.fail(new InferenceException("model " + info.name() + " was closed before this request started"));
                }
            }
            scratch.close();
            context.close();
            model.close();
        }
    }

    private void admit(List<Sequence> active) {
        while (active.size() < slots.length) {
            Sequence next = waiting.poll();
            if (next == null) {
                return;
            }
            startSequence(next, active);
        }
    }

    /** Gives the sequence a free slot whose KV cache holds the longest prefix of its prompt, or copies that prefix from another slot. */
    private void startSequence(Sequence s, List<Sequence> active) {
        if (!s.claim()) {
            return; // cancelled while waiting: already finished by its canceller
        }
        if (s.isCancelled()) {
            s.finish(FinishReason.CANCELLED);
            return;
        }
        Slot target = null;
        int targetCommon = -1;
        Slot source = null;
        int sourceCommon = 0;
        for (Slot slot : slots) {
            int common = slot.commonPrefix(s.prompt);
            if (slot.busy == null && common > targetCommon) {
                target = slot;
                targetCommon = common;
            }
            if (common > sourceCommon) {
                source = slot;
                sourceCommon = common;
            }
        }
        // The last prompt token is always decoded again: its logits give the first answer token.
        int keep = Math.min(Math.max(targetCommon, 0), s.prompt.length - 1);
        if (source != null && source != target && sourceCommon - 1 > keep) {
            context.removeTokens(target.id, 0, -1);
            keep = Math.min(sourceCommon, s.prompt.length - 1);
            context.copyPrefix(source.id, target.id, keep);
        } else if (!context.removeTokens(target.id, keep, -1)) {
            context.removeTokens(target.id, 0, -1);
            keep = 0;
        }
        target.cached.size = 0;
        for (int i = 0; i < keep; i++) {
            target.cached.add(s.prompt[i]);
        }
        target.busy = s;
        s.slot = target.id;
        s.position = keep;
        s.promptFed = keep;
        s.cachedPromptTokens = keep;
        s.startedNanos = System.nanoTime();
        active.add(s);
    }

    private void step(List<Sequence> active) {
        context.clearBatch();
        for (Sequence s : active) {
            s.logitIndex = -1;
            if (s.isCancelled()) {
                continue;
            }
            if (!s.inPrompt()) {
                int n = Math.min(s.pendingTokens.size, context.batchRoom());
                for (int i = 0; i < n; i++) {
                    int index = context.add(s.pendingTokens.items[i], s.position++, s.slot, i == n - 1);
                    slots[s.slot].cached.add(s.pendingTokens.items[i]);
                    if (i == n - 1) {
                        s.logitIndex = index;
                    }
                }
                removeFirst(s.pendingTokens, n);
            }
        }
        for (Sequence s : active) {
            if (s.isCancelled() || !s.inPrompt() || context.batchRoom() == 0) {
                continue;
            }
            int n = Math.min(s.prompt.length - s.promptFed, context.batchRoom());
            for (int i = 0; i < n; i++) {
                int token = s.prompt[s.promptFed];
                boolean last = s.promptFed == s.prompt.length - 1;
                int index = context.add(token, s.position++, s.slot, last);
                slots[s.slot].cached.add(token);
                s.promptFed++;
                if (last) {
                    s.logitIndex = index;
                }
            }
        }
        if (context.batchSize() > 0) {
            int rc = context.decode();
            if (rc != 0) {
                recoverFromDecodeFailure(active, rc);
                return;
            }
        }
        for (Sequence s : active) {
            if (s.isCancelled()) {
                s.finish(FinishReason.CANCELLED);
            } else if (s.logitIndex >= 0 && s.pendingTokens.size == 0) {
                nextToken(s);
            }
        }
        active.removeIf(s -> {
            if (s.result().isDone()) {
                slots[s.slot].busy = null;
                return true;
            }
            return false;
        });
    }

    private static void removeFirst(Sequence.IntList list, int n) {
        System.arraycopy(list.items, n, list.items, 0, list.size - n);
        list.size -= n;
    }

    // Sizing makes a full cache unlikely (every sequence fits its share); should it happen, or decode fail
    // otherwise, the sequences of this batch end with an error and their slots start clean.
    private void recoverFromDecodeFailure(List<Sequence> active, int rc) {
        for (Sequence s : active) {
            context.removeTokens(s.slot, 0, -1);
            slots[s.slot].cached.size = 0;
            slots[s.slot].busy = null;
            s.fail(rc == 1
                    ? new InferenceException.Overloaded("the model's KV cache is full with " + active.size()
                            + " concurrent requests; retry, or load the model with a larger contextPerSequence")
                    : new InferenceException("llama_decode failed with code " + rc));
        }
        active.clear();
    }

    /** Chooses the sequence's next token from the logits just computed, then appends it and any text the grammar forces. */
    private void nextToken(Sequence s) {
        if (!s.firstTokenSeen && s.grammar != null && options.jumpForward() && !s.leadingTextForced) {
            // The answer may open with text the grammar fixes ({"name":" for a required call): append it first.
            s.leadingTextForced = true;
            appendForcedText(s);
            if (s.pendingTokens.size > 0 || s.result().isDone()) {
                return;
            }
        }
        int k = Math.max(options.grammarCandidates(), s.sampling.topK());
        stats.compute(context.logits(s.logitIndex), model.vocabSize, k);

        int count = stats.topCount;
        System.arraycopy(stats.topTokens, 0, candidateTokens, 0, count);
        boolean constrained = s.grammar != null;
        int allowedCount = count;
        if (constrained) {
            allowedCount = s.grammar.filter(scratch, candidateTokens, count, candidateAllowed);
            if (allowedCount == 0) {
                count = allowedFromWholeVocabulary(s);
                allowedCount = count;
            }
        } else {
            Arrays.fill(candidateAllowed, 0, count, true);
        }
        if (allowedCount == 0) {
            s.fail(new InferenceException("the grammar allows no token at this point; the grammar cannot be completed"));
            return;
        }

        int chosen = choose(s, count);
        int token = candidateTokens[chosen];
        float chosenLogit = stats.logit(token);
        if (s.firstTokenNanos == 0) {
            s.firstTokenNanos = System.nanoTime();
        }
        if (model.isEndOfGeneration(token)) {
            s.finish(FinishReason.STOP);
            return;
        }
        byte[] piece = model.piece(token);
        // A token is a decision when the model had a choice (more than one allowed candidate) and it opens the
        // answer or carries a value; keys and punctuation are the schema's, not the model's.
        boolean carriesValue = feedsValue(s, piece);
        boolean decides = allowedCount > 1 && (!s.firstTokenSeen || s.allTokensDecide || carriesValue);
        if (decides) {
            recordConfidence(s, count, chosen, chosenLogit, constrained);
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

    private boolean feedsValue(Sequence s, byte[] piece) {
        boolean value = false;
        for (char c : new String(piece, java.nio.charset.StandardCharsets.UTF_8).toCharArray()) {
            value |= s.roles.isValue(c);
        }
        return value;
    }

    // The grammar allowed none of the most likely tokens: offer it the whole vocabulary (slow, about 28 ms on a 262k vocabulary).
    private int allowedFromWholeVocabulary(Sequence s) {
        int vocab = model.vocabSize;
        for (int i = 0; i < vocab; i++) {
            candidateTokens[i] = i;
        }
        s.grammar.filter(scratch, candidateTokens, vocab, candidateAllowed);
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            if (candidateAllowed[i]) {
                candidateTokens[n++] = i;
            }
        }
        // Sort the allowed tokens by falling logit (they are few at points where the model fights the grammar).
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = candidateTokens[i];
        }
        Arrays.sort(order, (a, b) -> Float.compare(stats.logit(b), stats.logit(a)));
        int keep = Math.min(n, stats.topTokens.length);
        for (int i = 0; i < keep; i++) {
            candidateTokens[i] = order[i];
        }
        Arrays.fill(candidateAllowed, 0, keep, true);
        return keep;
    }

    /** Picks among allowed candidates (sorted by falling logit): greedy at temperature 0, else top-k, min-p, top-p and temperature. */
    private int choose(Sequence s, int count) {
        var p = s.sampling;
        if (p.temperature() == 0) {
            for (int i = 0; i < count; i++) {
                if (candidateAllowed[i]) {
                    return i;
                }
            }
        }
        int limit = p.topK() > 0 ? p.topK() : Integer.MAX_VALUE;
        double[] weights = new double[count];
        double best = Double.NaN;
        double total = 0;
        int kept = 0;
        for (int i = 0; i < count && kept < limit; i++) {
            if (!candidateAllowed[i]) {
                continue;
            }
            float l = stats.logit(candidateTokens[i]);
            if (Double.isNaN(best)) {
                best = l;
            }
            double w = Math.exp((l - best) / p.temperature());
            if (w < p.minP()) {
                break; // min-p: relative to the most likely allowed token
            }
            weights[i] = w;
            total += w;
            kept++;
        }
        // top-p over the kept tokens, in falling order
        double cumulative = 0;
        double cut = p.topP() * total;
        double keptTotal = 0;
        int last = -1;
        for (int i = 0; i < count; i++) {
            if (weights[i] == 0) {
                continue;
            }
            keptTotal += weights[i];
            last = i;
            cumulative += weights[i];
            if (cumulative >= cut) {
                break;
            }
        }
        double r = s.random.nextDouble() * keptTotal;
        for (int i = 0; i <= last; i++) {
            r -= weights[i];
            if (weights[i] > 0 && r <= 0) {
                return i;
            }
        }
        return last;
    }

    private void recordConfidence(Sequence s, int count, int chosen, float chosenLogit, boolean constrained) {
        double probability = stats.probability(chosenLogit);
        double allowedMass = 0;
        double bestOther = 0;
        for (int i = 0; i < count; i++) {
            if (candidateAllowed[i]) {
                double q = stats.probability(stats.logit(candidateTokens[i]));
                allowedMass += q;
                if (i != chosen) {
                    bestOther = Math.max(bestOther, q);
                }
            }
        }
        s.confidence.record(probability, stats.entropy(), probability - bestOther, constrained ? Math.min(1, allowedMass) : 1);
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
            feedsValue(s, piece);
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

    /** A sequence id of the context, and the tokens its KV cache holds. */
    private static final class Slot {
        final int id;
        final Sequence.IntList cached = new Sequence.IntList();
        Sequence busy;

        Slot(int id) {
            this.id = id;
        }

        int commonPrefix(int[] tokens) {
            int n = Math.min(cached.size, tokens.length);
            int i = 0;
            while (i < n && cached.items[i] == tokens[i]) {
                i++;
            }
            return i;
        }
    }
}
