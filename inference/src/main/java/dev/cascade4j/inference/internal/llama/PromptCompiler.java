package dev.cascade4j.inference.internal.llama;

import dev.cascade4j.inference.GenerationRequest;
import dev.cascade4j.inference.InferenceException;
import dev.cascade4j.inference.ResponseFormat;
import dev.cascade4j.inference.grammar.Gbnf;
import dev.cascade4j.inference.grammar.JsonSchemaGrammar;
import dev.cascade4j.inference.internal.grammar.ToolCallFormat;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.function.Function;

/**
 * Turns a request into a {@link Sequence} ready to decode: the chat template applied and tokenized, the
 * token budget set, and the grammar its tools or response format demand compiled. Runs on the caller's
 * thread, so a bad request fails there and the decode thread only decodes.
 */
final class PromptCompiler {
    private final NativeModel model;
    private final ChatFormatter formatter;
    private final PromptTokenizer tokenizer;
    private final int contextPerSequence;
    private final boolean strictSchemas;

    PromptCompiler(NativeModel model, ChatFormatter formatter, PromptTokenizer tokenizer, int contextPerSequence, boolean strictSchemas) {
        this.model = model;
        this.formatter = formatter;
        this.tokenizer = tokenizer;
        this.contextPerSequence = contextPerSequence;
        this.strictSchemas = strictSchemas;
    }

    /**
     * What constrains an answer: the grammar (null for free text), how to split the text into tool calls
     * (null without tools), and whether every token the model chooses counts towards confidence (free
     * text has no keys or punctuation of a schema to leave out).
     */
    record Constraint(Gbnf grammar, Function<String, ToolCallFormat.Parsed> toolCallParser, boolean allTokensDecide) {
    }

    Sequence compile(GenerationRequest request) {
        int[] prompt = tokenizer.tokenize(formatter.format(request));
        if (prompt.length >= contextPerSequence) {
            throw new InferenceException.InvalidRequest("prompt is " + prompt.length + " tokens but the context holds "
                    + contextPerSequence + " per request; shorten the conversation or load the model with a larger contextPerSequence");
        }
        int limit = Math.min(request.sampling().maxTokens(), contextPerSequence - prompt.length);
        Constraint c = constraint(request, strictSchemas, formatter.toolCallSyntax());
        GrammarSampler sampler = c.grammar() == null ? null : GrammarSampler.create(model, c.grammar().text(), c.grammar().root());
        return new Sequence(prompt, request.sampling(), sampler, request.listener(), limit, c.toolCallParser(), c.allTokensDecide());
    }

    /** The constraint a request puts on its answer; no model involved. */
    static Constraint constraint(GenerationRequest request, boolean strictSchemas, ToolCallFormat.Syntax toolCallSyntax) {
        if (request.wantsTools()) {
            if (strictSchemas) {
                request.tools().forEach(t -> JsonSchemaGrammar.requireExact(t.parameters(), "/tools/" + t.name() + "/parameters"));
            }
            Gbnf grammar = ToolCallFormat.grammar(request.tools(), request.toolChoice(), request.parallelToolCalls(), toolCallSyntax);
            List<String> names = request.tools().stream().map(t -> t.name()).toList();
            // Under auto the answer may be prose, but the grammar still shapes it: its tokens are not all decisions.
            return new Constraint(grammar, text -> ToolCallFormat.parse(text, names), false);
        }
        return switch (request.responseFormat()) {
            case ResponseFormat.Text t -> new Constraint(null, null, true);
            case ResponseFormat.JsonObject j ->
                    new Constraint(JsonSchemaGrammar.convert(JsonNodeFactory.instance.objectNode().put("type", "object")), null, false);
            case ResponseFormat.JsonSchema s -> new Constraint(JsonSchemaGrammar.convert(s.schema(), strictSchemas), null, false);
            case ResponseFormat.Grammar g -> new Constraint(new Gbnf(g.gbnf(), g.root()), null, false);
        };
    }
}
