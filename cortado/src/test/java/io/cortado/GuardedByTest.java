package io.cortado;

import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cross-references of the documentation stay true as the code moves:
 * <ul>
 *   <li>every {@code {@code Name}} in a "Guarded by" sentence of a class comment, in the main sources of every
 *       module, names a test class that exists in the repository's test sources ({@code src/test/java} of any
 *       module, and every source of a jcstress module);</li>
 *   <li>ARCHITECTURE.md restates no count of rules ("five rules"): it points to the class comment that holds them;
 *       </li>
 *   <li>every simple class name in backticks in ARCHITECTURE.md exists: declared in the repository, imported by
 *       its sources (a library's class), or a class of the JDK.</li>
 * </ul>
 * The repository is found from the working directory (a module's directory under Maven) upwards.
 */
class GuardedByTest extends RuntimeTestBase {
    private static final Pattern CODE = Pattern.compile("\\{@code\\s+([^}]*)}");
    private static final Pattern INLINE_TAG = Pattern.compile("\\{@\\w+[^}]*}");
    private static final Pattern JAVA_NAME = Pattern.compile("[A-Z][A-Za-z0-9_]*");
    private static final Pattern DECLARATION =
            Pattern.compile("\\b(?:class|interface|enum|record)\\s+([A-Z][A-Za-z0-9_]*)");
    private static final Pattern IMPORT =
            Pattern.compile("(?m)^import\\s+(?:static\\s+)?((?:[a-z_][\\w]*\\.)+)([A-Z]\\w*)[\\w.]*\\s*;");
    private static final String NUMBER = "(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
            + "|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|\\d+)";
    /** "five rules", "nine numbered rules", "five and four rules", and "rules in its class comment (six)". */
    private static final Pattern RULE_COUNT = Pattern.compile("(?i)\\b" + NUMBER + "(?:\\s+and\\s+" + NUMBER
            + ")?\\s+(?:numbered\\s+)?rules\\b|\\brules\\b[^.()]{0,60}\\(\\s*" + NUMBER + "\\s*\\)");
    private static final Pattern BACKTICKED = Pattern.compile("`([^`\\n]+)`");
    /** A simple class name as written in the document: capitalised, with a lower-case letter (not a constant). */
    private static final Pattern SIMPLE_CLASS = Pattern.compile("[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*");

    /** A "Guarded by" sentence and where it is. */
    record Sentence(String file, int line, String text) {
    }

    @Test
    void everyGuardedByNamesATestClassThatExists() throws IOException {
        Path root = repositoryRoot();
        Set<String> testClasses = testClassNames(root);
        List<String> stale = new ArrayList<>();
        int sentences = 0;
        int names = 0;
        for (Path source : mainSources(root)) {
            for (Sentence s : guardedBySentences(root.relativize(source).toString(), Files.readString(source))) {
                sentences++;
                for (String name : testClassReferences(s.text())) {
                    names++;
                    if (!testClasses.contains(name)) {
                        stale.add(s.file() + ":" + s.line() + " names " + name + ", which is no test class");
                    }
                }
            }
        }
        assertEquals(List.of(), stale, "\"Guarded by\" names a test class that does not exist");
        // the scan must have found the comments, or it proves nothing
        assertTrue(sentences >= 20 && names >= 30,
                "found only " + sentences + " \"Guarded by\" sentences naming " + names + " classes under " + root);
    }

    @Test
    void theParserReadsAWrappedSentenceToItsEndOnly() {
        String source = """
                /**
                 * Rules.
                 * Guarded by {@code FirstTest} (it checks {@link Foo#bar()}, e.g. the
                 * end), {@code SecondTest} and {@code Third.NestedTest}, measured by {@code cortado-bench}. Not by
                 * {@code LaterTest}.
                 */
                class X {
                    /** Guarded by the lock. */
                    int field;
                    /** Guarded by {@code FieldTest}
                     */
                    int other;
                }
                """;
        List<Sentence> found = guardedBySentences("X.java", source);
        assertEquals(3, found.size());
        assertEquals(3, found.getFirst().line());
        assertEquals(List.of("FirstTest", "SecondTest", "NestedTest"), testClassReferences(found.getFirst().text()));
        assertEquals(List.of(), testClassReferences(found.get(1).text()));
        assertEquals(List.of("FieldTest"), testClassReferences(found.get(2).text()),
                "a sentence ends with the comment");
    }

    @Test
    void architectureRestatesNoRuleCountAndNamesOnlyClassesThatExist() throws IOException {
        Path root = repositoryRoot();
        String doc = Files.readString(root.resolve("ARCHITECTURE.md"));
        String flat = doc.replaceAll("\\s+", " ");
        List<String> counts = new ArrayList<>();
        for (Matcher m = RULE_COUNT.matcher(flat); m.find(); ) {
            String before = flat.substring(Math.max(0, m.start() - 60), m.start());
            counts.add("\"" + m.group() + "\" after \"..." + before + "\"");
        }
        assertEquals(List.of(), counts,
                "ARCHITECTURE.md restates a count of rules: point to the class comment that holds them instead");

        Set<String> known = new HashSet<>();
        Set<String> importedPackages = new HashSet<>();
        for (Path source : allSources(root)) {
            String text = Files.readString(source);
            known.add(simpleName(source));
            DECLARATION.matcher(text).results().forEach(m -> known.add(m.group(1)));
            IMPORT.matcher(text).results().forEach(m -> {
                known.add(m.group(2));
                importedPackages.add(m.group(1)); // with its trailing dot
            });
        }
        Set<String> packages = new HashSet<>(importedPackages);
        for (Module module : ModuleLayer.boot().modules()) {
            module.getDescriptor().exports().stream().filter(e -> !e.isQualified())
                    .map(ModuleDescriptor.Exports::source).forEach(p -> packages.add(p + "."));
        }
        Set<String> missing = new TreeSet<>();
        int checked = 0;
        for (Matcher m = BACKTICKED.matcher(doc); m.find(); ) {
            String name = m.group(1);
            if (!SIMPLE_CLASS.matcher(name).matches()) {
                continue;
            }
            checked++;
            if (!known.contains(name) && !loadable(name, packages)) {
                missing.add(name);
            }
        }
        assertEquals(Set.of(), missing, "ARCHITECTURE.md names classes that do not exist");
        assertTrue(checked >= 100, "found only " + checked + " class names in ARCHITECTURE.md");
    }

    /** @return the "Guarded by" sentences of {@code source}, each from "Guarded by" to its full stop */
    static List<Sentence> guardedBySentences(String file, String source) {
        List<Sentence> out = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int at = lines[i].indexOf("Guarded by");
            if (at < 0) {
                continue;
            }
            StringBuilder text = new StringBuilder();
            String rest = lines[i].substring(at);
            for (int j = i; ; ) {
                int end = sentenceEnd(rest);
                if (end >= 0) {
                    text.append(rest, 0, end);
                    break;
                }
                text.append(rest).append(' ');
                j++;
                if (j >= lines.length) {
                    break;
                }
                String next = lines[j].strip();
                if (next.startsWith("*/") || next.isEmpty() || next.equals("*") || next.startsWith("* @")
                        || next.startsWith("* <")) {
                    break; // the comment, the paragraph or the description ends: so does the sentence
                }
                rest = next.startsWith("*") ? next.substring(1) : next.startsWith("//") ? next.substring(2) : next;
            }
            out.add(new Sentence(file, i + 1, text.toString()));
        }
        return out;
    }

    /** @return where the sentence ends in this line (a full stop outside inline tags, or the comment's end), or -1 */
    private static int sentenceEnd(String line) {
        StringBuilder masked = new StringBuilder(line);
        for (Matcher m = INLINE_TAG.matcher(line); m.find(); ) {
            for (int k = m.start(); k < m.end(); k++) {
                masked.setCharAt(k, 'x');
            }
        }
        String s = masked.toString();
        int comment = s.indexOf("*/");
        for (int k = 0; k < s.length(); k++) {
            if (k == comment) {
                return k;
            }
            if (s.charAt(k) == '.' && (k + 1 == s.length() || Character.isWhitespace(s.charAt(k + 1)))
                    && !s.startsWith("e.g.", Math.max(0, k - 3)) && !s.startsWith("i.e.", Math.max(0, k - 3))) {
                return k;
            }
        }
        return -1;
    }

    /**
     * @return the class names in {@code {@code ...}} of a sentence: a Java name, or the last part of a dotted one
     * (a nested test class); other code ({@code cortado-bench}) is not a class name
     */
    static List<String> testClassReferences(String sentence) {
        List<String> names = new ArrayList<>();
        for (Matcher m = CODE.matcher(sentence); m.find(); ) {
            String code = m.group(1).strip();
            String last = code.substring(code.lastIndexOf('.') + 1);
            if (code.matches("[A-Za-z0-9_.]+") && JAVA_NAME.matcher(last).matches()) {
                names.add(last);
            }
        }
        return names;
    }

    private static boolean loadable(String name, Set<String> packages) {
        ClassLoader loader = GuardedByTest.class.getClassLoader();
        for (String p : packages) {
            try {
                Class.forName(p + name, false, loader);
                return true;
            } catch (ClassNotFoundException | LinkageError absent) {
                // not in this package
            }
        }
        return false;
    }

    /** @return the nearest directory above the working directory that holds ARCHITECTURE.md and a pom.xml */
    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("ARCHITECTURE.md")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new AssertionError("no repository root (ARCHITECTURE.md and pom.xml) above " + Path.of("")
                .toAbsolutePath());
    }

    private static List<Path> modules(Path root) throws IOException {
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).sorted().toList();
        }
    }

    private static List<Path> mainSources(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path module : modules(root)) {
            if (!isJcstress(module)) {
                out.addAll(javaFiles(module.resolve("src/main/java")));
            }
        }
        return out;
    }

    /** @return the simple names of every class declared in the test sources, nested ones included */
    private static Set<String> testClassNames(Path root) throws IOException {
        Set<String> names = new HashSet<>();
        for (Path module : modules(root)) {
            for (Path f : javaFiles(module.resolve(isJcstress(module) ? "src" : "src/test/java"))) {
                names.add(simpleName(f));
                DECLARATION.matcher(Files.readString(f)).results().forEach(m -> names.add(m.group(1)));
            }
        }
        return names;
    }

    private static List<Path> allSources(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path module : modules(root)) {
            out.addAll(javaFiles(module.resolve("src")));
        }
        return out;
    }

    private static boolean isJcstress(Path module) {
        return module.getFileName().toString().contains("jcstress");
    }

    private static String simpleName(Path javaFile) {
        String f = javaFile.getFileName().toString();
        return f.substring(0, f.length() - ".java".length());
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java") && Files.isRegularFile(f)).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
