package dev.cascade4j.inference.internal.llama;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * The methods of Python's {@code str} that chat templates call ({@code message.content.strip()},
 * {@code .startswith('<think>')}, {@code .split('</think>')[-1]}), resolved on Java strings with
 * Python's meaning: {@code split} takes a literal separator, not a regular expression.
 */
final class PythonStringMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof CharSequence cs) || method == null) {
            return null;
        }
        String s = cs.toString();
        Object[] a = params == null ? new Object[0] : params;
        Object result = switch (method.toString()) {
            case "strip" -> strip(s, arg(a, 0), true, true);
            case "lstrip" -> strip(s, arg(a, 0), true, false);
            case "rstrip" -> strip(s, arg(a, 0), false, true);
            case "startswith" -> anyOf(a, s::startsWith);
            case "endswith" -> anyOf(a, s::endsWith);
            case "split" -> split(s, arg(a, 0), a.length > 1 ? ((Number) a[1]).intValue() : -1);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "replace" -> a.length > 2 ? replace(s, str(a[0]), str(a[1]), ((Number) a[2]).intValue()) : s.replace(str(a[0]), str(a[1]));
            case "find" -> (long) s.indexOf(str(a[0]));
            case "count" -> (long) count(s, str(a[0]));
            case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isspace" -> !s.isEmpty() && s.chars().allMatch(Character::isWhitespace);
            case "splitlines" -> s.isEmpty() ? List.of() : List.of(s.split("\r\n|\r|\n"));
            case "join" -> join(s, a[0]);
            default -> null;
        };
        if (result != null) {
            context.setPropertyResolved(true);
        }
        return result;
    }

    private static String arg(Object[] a, int i) {
        return a.length > i && a[i] != null ? a[i].toString() : null;
    }

    private static String str(Object o) {
        return String.valueOf(o);
    }

    private static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        while (left && start < end && (chars == null ? Character.isWhitespace(s.charAt(start)) : chars.indexOf(s.charAt(start)) >= 0)) {
            start++;
        }
        while (right && end > start && (chars == null ? Character.isWhitespace(s.charAt(end - 1)) : chars.indexOf(s.charAt(end - 1)) >= 0)) {
            end--;
        }
        return s.substring(start, end);
    }

    private static Boolean anyOf(Object[] a, java.util.function.Predicate<String> test) {
        if (a.length == 0) {
            return null;
        }
        if (a[0] instanceof Collection<?> options) {
            return options.stream().anyMatch(o -> test.test(str(o)));
        }
        return test.test(str(a[0]));
    }

    private static List<String> split(String s, String sep, int maxSplit) {
        List<String> out = new ArrayList<>();
        if (sep == null) {
            // Python's split() without a separator: runs of whitespace, no empty strings.
            for (String part : s.strip().split("\\s+", maxSplit < 0 ? 0 : maxSplit + 1)) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
            return out;
        }
        int from = 0;
        int at;
        while ((maxSplit < 0 || out.size() < maxSplit) && (at = s.indexOf(sep, from)) >= 0) {
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    private static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevLetter = false;
        for (char c : s.toCharArray()) {
            sb.append(prevLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
            prevLetter = Character.isLetter(c);
        }
        return sb.toString();
    }

    private static String replace(String s, String from, String to, int count) {
        String out = s;
        int at = 0;
        for (int i = 0; i < count || count < 0; i++) {
            int found = out.indexOf(from, at);
            if (found < 0) {
                break;
            }
            out = out.substring(0, found) + to + out.substring(found + from.length());
            at = found + to.length();
        }
        return out;
    }

    private static int count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1;
        }
        int n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    private static String join(String sep, Object items) {
        List<String> parts = new ArrayList<>();
        if (items instanceof Iterable<?> it) {
            it.forEach(o -> parts.add(str(o)));
        }
        return String.join(sep, parts);
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
    }
}
