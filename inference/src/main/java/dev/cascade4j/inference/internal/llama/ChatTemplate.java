package dev.cascade4j.inference.internal.llama;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import com.hubspot.jinjava.LegacyOverrides;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;

/**
 * A model's own chat template (the GGUF's {@code tokenizer.chat_template}, Jinja) rendered as Hugging
 * Face's {@code apply_chat_template} renders it: {@code trim_blocks} and {@code lstrip_blocks},
 * {@code messages}, {@code tools}, {@code add_generation_prompt} and the special tokens as variables,
 * {@code tojson} as Python's {@code json.dumps}, {@code raise_exception} and {@code strftime_now}
 * as functions, and Python's string methods on strings. Known difference: a boolean printed directly
 * ({@code {{ x == y }}}) comes out as {@code true}, where Python prints {@code True}; templates test
 * booleans rather than print them.
 */
final class ChatTemplate {
    private final String source;
    private final String jinjaSource;
    private final Map<String, Object> specialTokens;
    private final Jinjava jinjava;

    /** Thrown when the template calls {@code raise_exception} or cannot be rendered. */
    static final class TemplateException extends RuntimeException {
        TemplateException(String message) {
            super(message);
        }
    }

    ChatTemplate(String source, Map<String, ?> specialTokens) {
        this.source = source;
        this.jinjaSource = splitDelimitersInStrings(source);
        this.specialTokens = new LinkedHashMap<>(specialTokens);
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withElResolver(resolver)
                .withMaxOutputSize(16L << 20)
                .withNestedInterpretationEnabled(false) // printed text that contains {{ is text, as in Jinja
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUsePyishObjectMapper(true) // True, None and ['a'] as Python prints them
                        .withIterateOverMapKeys(true) // for k in dict: the keys, as in Python
                        .withEvaluateMapKeys(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .build();
        this.jinjava = new Jinjava(config);
        jinjava.getGlobalContext().registerFilter(new ToJson());
        jinjava.getGlobalContext().registerFilter(new ToList());
        jinjava.getGlobalContext().registerFunction(function("raise_exception", "raiseException", Object.class));
        jinjava.getGlobalContext().registerFunction(function("strftime_now", "strftimeNow", String.class));
    }

    /**
     * Jinja reads a string literal inside a tag as a string, braces included; Jinjava's scanner ends the
     * tag at the first {@code }}} even inside quotes (Qwen2.5-Coder-1.5B's template writes
     * {@code "{{\"name\": ...}}"}). Such a literal becomes a concatenation of pieces without doubled braces.
     */
    static String splitDelimitersInStrings(String template) {
        StringBuilder out = new StringBuilder(template.length());
        int i = 0;
        int n = template.length();
        while (i < n) {
            int open = indexOfTag(template, i);
            if (open < 0) {
                out.append(template, i, n);
                break;
            }
            out.append(template, i, open + 2);
            char kind = template.charAt(open + 1);
            String close = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
            i = open + 2;
            if (kind == '#') {
                int end = template.indexOf(close, i);
                end = end < 0 ? n : end + 2;
                out.append(template, i, end);
                i = end;
                continue;
            }
            while (i < n && !template.startsWith(close, i)) {
                char c = template.charAt(i);
                if (c != '\'' && c != '"') {
                    out.append(c);
                    i++;
                    continue;
                }
                int end = i + 1;
                while (end < n && template.charAt(end) != c) {
                    end += template.charAt(end) == '\\' ? 2 : 1;
                }
                String literal = template.substring(i + 1, Math.min(end, n));
                out.append(splitLiteral(literal, c));
                i = Math.min(end + 1, n);
            }
            if (i < n) {
                out.append(close);
                i += 2;
            }
        }
        return out.toString();
    }

    private static int indexOfTag(String s, int from) {
        int best = -1;
        for (String t : new String[] {"{{", "{%", "{#"}) {
            int at = s.indexOf(t, from);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    private static String splitLiteral(String literal, char quote) {
        String q = String.valueOf(quote);
        boolean delimiters = false;
        for (String d : new String[] {"{{", "}}", "{%", "%}", "{#", "#}"}) {
            delimiters |= literal.contains(d);
        }
        if (!delimiters) {
            return q + literal + q;
        }
        StringBuilder sb = new StringBuilder("(").append(q);
        for (int k = 0; k < literal.length(); k++) {
            char c = literal.charAt(k);
            sb.append(c);
            if (k + 1 < literal.length() && "{}%#".indexOf(c) >= 0 && "{}%#".indexOf(literal.charAt(k + 1)) >= 0 && c != '\\') {
                sb.append(q).append(" ~ ").append(q);
            }
        }
        return sb.append(q).append(")").toString();
    }

    private static ELFunctionDefinition function(String name, String method, Class<?> parameter) {
        try {
            java.lang.reflect.Method m = ChatTemplate.class.getDeclaredMethod(method, parameter);
            m.setAccessible(true); // this class is not public
            return new ELFunctionDefinition("", name, m);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    String source() {
        return source;
    }

    /** Whether the template lays out a {@code tools} list itself (else the caller must describe the tools). */
    boolean rendersTools() {
        return source.contains("tools");
    }

    /** Whether the template teaches Hermes-style {@code <tool_call>} blocks. */
    boolean teachesToolCallTags() {
        return source.contains("<tool_call>");
    }

    /**
     * Renders a conversation. Messages and tools are plain maps and lists in the OpenAI shape, as
     * Hugging Face passes them: {@code {"role", "content", "tool_calls": [{"type", "function": {"name",
     * "arguments": {...}}}], "tool_call_id", "name"}}.
     */
    String render(List<Map<String, Object>> messages, List<Map<String, Object>> tools, boolean addGenerationPrompt) {
        Map<String, Object> vars = new HashMap<>(specialTokens);
        vars.put("messages", messages);
        if (tools != null && !tools.isEmpty()) {
            vars.put("tools", tools);
        }
        vars.put("add_generation_prompt", addGenerationPrompt);
        RenderResult result;
        try {
            result = jinjava.renderForResult(jinjaSource, vars);
        } catch (RuntimeException e) {
            throw new TemplateException("the chat template failed: " + rootMessage(e));
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                String message = error.getException() != null ? rootMessage(error.getException()) : error.getMessage();
                throw new TemplateException("the chat template failed at line " + error.getLineno() + ": " + message);
            }
        }
        return result.getOutput();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    public static Object raiseException(Object message) {
        throw new TemplateException(String.valueOf(message));
    }

    /** Python's {@code datetime.now().strftime(format)} for the directives templates use. */
    public static String strftimeNow(String format) {
        return strftime(ZonedDateTime.now(), format);
    }

    static String strftime(ZonedDateTime t, String format) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                sb.append(c);
                continue;
            }
            char d = format.charAt(++i);
            switch (d) {
                case 'Y' -> sb.append(t.getYear());
                case 'y' -> sb.append(String.format("%02d", t.getYear() % 100));
                case 'm' -> sb.append(String.format("%02d", t.getMonthValue()));
                case 'd' -> sb.append(String.format("%02d", t.getDayOfMonth()));
                case 'e' -> sb.append(String.format("%2d", t.getDayOfMonth()));
                case 'H' -> sb.append(String.format("%02d", t.getHour()));
                case 'I' -> sb.append(String.format("%02d", (t.getHour() + 11) % 12 + 1));
                case 'M' -> sb.append(String.format("%02d", t.getMinute()));
                case 'S' -> sb.append(String.format("%02d", t.getSecond()));
                case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
                case 'j' -> sb.append(String.format("%03d", t.getDayOfYear()));
                case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'b' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case '%' -> sb.append('%');
                default -> sb.append('%').append(d);
            }
        }
        return sb.toString();
    }

    /** Python's {@code list()}: a dict's keys, a string's characters, any other iterable's items. */
    private static final class ToList implements Filter {
        @Override
        public String getName() {
            return "list";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            List<Object> out = new ArrayList<>();
            switch (var) {
                case null -> {
                }
                case Map<?, ?> m -> out.addAll(m.keySet());
                case CharSequence cs -> cs.toString().codePoints().forEach(c -> out.add(Character.toString(c)));
                case Iterable<?> it -> it.forEach(out::add);
                case Object[] a -> out.addAll(Arrays.asList(a));
                default -> out.add(var);
            }
            return out;
        }
    }

    /** Hugging Face's {@code tojson}: {@code json.dumps(x, ensure_ascii=False, indent=indent, sort_keys=sort_keys)}. */
    private static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            Integer indent = args.length > 0 && args[0] != null ? Integer.valueOf(args[0]) : null;
            return PythonJson.dumps(var, indent, false);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
            Object sort = kwargs.get("sort_keys");
            return PythonJson.dumps(var, indent == null ? null : ((Number) indent).intValue(), Boolean.TRUE.equals(sort));
        }
    }
}
