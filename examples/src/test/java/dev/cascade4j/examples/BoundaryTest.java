package dev.cascade4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The line between API and internals: packages named {@code internal} are implementation details that
 * may change in any release, so no public or protected member of an API type may mention one (a user
 * would be handed a type we promise nothing about), and the code users copy (the examples, the starter,
 * README's and the docs' Java) never imports one. The command line ({@code dev.cascade4j.cli}) is part
 * of the project and may use them.
 */
class BoundaryTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
    private static final List<String> LIBRARIES = List.of("inference", "router", "tools", "agent-core");
    private static final Pattern INTERNAL = Pattern.compile("dev\\.cascade4j(?:\\.\\w+)*?\\.internal\\b[\\w.]*");
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void apiTypesExposeNoInternalType() throws IOException {
        List<String> leaks = new ArrayList<>();
        int apiTypes = 0;
        for (Class<?> type : libraryTypes()) {
            if (isInternal(type) || !Modifier.isPublic(type.getModifiers())) {
                continue;
            }
            apiTypes++;
            leaks.addAll(leaks(type));
        }
        assertTrue(apiTypes > 50, "found only " + apiTypes + " API types under " + ROOT);
        assertEquals(List.of(), leaks, "API members that mention an internal type; move the member's type to the API or hide the member");
    }

    @Test
    void userCodeImportsNoInternalPackage() throws IOException {
        List<String> uses = new ArrayList<>();
        for (Path source : sources(ROOT.resolve("examples/src/main/java/dev/cascade4j/examples"), ROOT.resolve("examples/starter/src"))) {
            internalNames(Files.readString(source, StandardCharsets.UTF_8)).forEach(n -> uses.add(ROOT.relativize(source) + ": " + n));
        }
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        for (Path doc : docs) {
            Matcher block = JAVA_BLOCK.matcher(Files.readString(doc, StandardCharsets.UTF_8));
            while (block.find()) {
                internalNames(block.group(1)).forEach(n -> uses.add(ROOT.relativize(doc) + " (java block): " + n));
            }
        }
        assertEquals(List.of(), uses, "code users copy must stick to the API");
    }

    /** Every public or protected member and supertype of an API type, and of its visible nested types. */
    private static List<String> leaks(Class<?> type) {
        List<String> leaks = new ArrayList<>();
        check(type.getName() + " extends", type.getGenericSuperclass(), leaks);
        for (Type t : type.getGenericInterfaces()) {
            check(type.getName() + " implements", t, leaks);
        }
        for (TypeVariable<?> v : type.getTypeParameters()) {
            check(type.getName() + "<" + v.getName() + ">", v, leaks);
        }
        for (Field f : type.getDeclaredFields()) {
            if (visible(f.getModifiers()) && !f.isSynthetic()) {
                check(type.getName() + "." + f.getName(), f.getGenericType(), leaks);
            }
        }
        for (Method m : type.getDeclaredMethods()) {
            if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                check(type.getName() + "." + m.getName() + "() returns", m.getGenericReturnType(), leaks);
                checkSignature(type.getName() + "." + m.getName() + "()", m, leaks);
            }
        }
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (visible(c.getModifiers()) && !c.isSynthetic()) {
                checkSignature(type.getName() + ".<init>()", c, leaks);
            }
        }
        for (Class<?> nested : type.getDeclaredClasses()) {
            if (visible(nested.getModifiers())) {
                leaks.addAll(leaks(nested));
            }
        }
        return leaks;
    }

    private static void checkSignature(String where, Executable e, List<String> leaks) {
        for (Type t : e.getGenericParameterTypes()) {
            check(where + " takes", t, leaks);
        }
        for (Type t : e.getGenericExceptionTypes()) {
            check(where + " throws", t, leaks);
        }
        for (TypeVariable<?> v : e.getTypeParameters()) {
            check(where + " <" + v.getName() + ">", v, leaks);
        }
    }

    private static void check(String where, Type type, List<String> leaks) {
        Set<Type> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        mentioned(type, seen).stream().filter(BoundaryTest::isInternal).distinct()
                .forEach(c -> leaks.add(where + " " + c.getName()));
    }

    /** The classes a type mentions: itself, its type arguments, bounds and array components. */
    private static List<Class<?>> mentioned(Type type, Set<Type> seen) {
        List<Class<?>> out = new ArrayList<>();
        if (type == null || !seen.add(type)) {
            return out;
        }
        switch (type) {
            case Class<?> c -> {
                Class<?> element = c;
                while (element.isArray()) {
                    element = element.getComponentType();
                }
                out.add(element);
            }
            case ParameterizedType p -> {
                out.addAll(mentioned(p.getRawType(), seen));
                out.addAll(mentioned(p.getOwnerType(), seen));
                for (Type a : p.getActualTypeArguments()) {
                    out.addAll(mentioned(a, seen));
                }
            }
            case WildcardType w -> {
                for (Type b : w.getUpperBounds()) {
                    out.addAll(mentioned(b, seen));
                }
                for (Type b : w.getLowerBounds()) {
                    out.addAll(mentioned(b, seen));
                }
            }
            case TypeVariable<?> v -> {
                for (Type b : v.getBounds()) {
                    out.addAll(mentioned(b, seen));
                }
            }
            case GenericArrayType a -> out.addAll(mentioned(a.getGenericComponentType(), seen));
            default -> {
            }
        }
        return out;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static boolean isInternal(Class<?> c) {
        return INTERNAL.matcher(c.getPackageName()).matches();
    }

    private static List<String> internalNames(String code) {
        List<String> names = new ArrayList<>();
        Matcher m = INTERNAL.matcher(code);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** The top-level types of the library modules' main sources. */
    private static List<Class<?>> libraryTypes() throws IOException {
        List<Class<?>> types = new ArrayList<>();
        for (String module : LIBRARIES) {
            Path java = ROOT.resolve(module).resolve("src/main/java");
            for (Path source : sources(java)) {
                String name = java.relativize(source).toString().replace(source.getFileSystem().getSeparator(), ".");
                name = name.substring(0, name.length() - ".java".length());
                if (name.endsWith("package-info")) {
                    continue;
                }
                try {
                    types.add(Class.forName(name, false, BoundaryTest.class.getClassLoader()));
                } catch (ClassNotFoundException e) {
                    throw new AssertionError(name + " is not on the test class path", e);
                }
            }
        }
        return types;
    }

    private static List<Path> sources(Path... roots) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                throw new AssertionError("no sources at " + root);
            }
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(out::add);
            }
        }
        return out;
    }
}
