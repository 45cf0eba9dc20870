import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a staged release directory against what Maven Central requires, using the JDK alone:
 * {@code java scripts/CheckStaging.java DIRECTORY VERSION} (scripts/check-staging runs it).
 *
 * <p>For each published artifact (the parent POM, the library, the BOM, the archetype): the
 * directory {@code dev/serversessions/ARTIFACT/VERSION/}; its POM; for a jar, the jar, a sources
 * jar and a javadoc jar, each a readable archive with something in it; beside every file a
 * {@code .md5} and a {@code .sha1} (and any {@code .sha256}/{@code .sha512}) matching its bytes;
 * in every POM the coordinates, a name and a description of its own, and (its own or its
 * parent's, staged beside it) the url, a license with name and url, a developer with a name and
 * the scm url and connection; no {@code -SNAPSHOT} anywhere; and no other file (but a
 * {@code .asc} signature beside a file). Prints each
 * problem and exits 1, or prints what it checked and exits 0.
 */
public class CheckStaging {
    private static final String GROUP_PATH = "dev/serversessions";
    /** artifactId to packaging. */
    private static final Map<String, String> ARTIFACTS = new LinkedHashMap<>();

    static {
        ARTIFACTS.put("server-sessions-parent", "pom");
        ARTIFACTS.put("server-sessions", "jar");
        ARTIFACTS.put("server-sessions-bom", "pom");
        ARTIFACTS.put("server-sessions-archetype", "jar");
    }

    private final List<String> problems = new ArrayList<>();
    private final Path dir;
    private final String version;
    private final Map<String, Document> poms = new LinkedHashMap<>();

    private CheckStaging(Path dir, String version) {
        this.dir = dir;
        this.version = version;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java scripts/CheckStaging.java DIRECTORY VERSION");
            System.exit(2);
        }
        CheckStaging check = new CheckStaging(Path.of(args[0]), args[1]);
        int files = check.run();
        if (!check.problems.isEmpty()) {
            check.problems.forEach(p -> System.err.println("staging: " + p));
            System.err.println(check.problems.size() + " problem(s) in " + args[0]);
            System.exit(1);
        }
        System.out.println("staging: " + args[0] + " is laid out as Maven Central requires: " + ARTIFACTS.size()
                + " artifacts of version " + args[1] + ", " + files + " files with their checksums");
    }

    private int run() throws Exception {
        if (version.contains("SNAPSHOT")) {
            problems.add("version " + version + " is a snapshot: Maven Central takes releases only");
        }
        Set<Path> expected = new TreeSet<>();
        for (Map.Entry<String, String> artifact : ARTIFACTS.entrySet()) {
            String id = artifact.getKey();
            Path base = dir.resolve(GROUP_PATH).resolve(id).resolve(version);
            String stem = id + "-" + version;
            List<String> names = new ArrayList<>(List.of(stem + ".pom"));
            if (artifact.getValue().equals("jar")) {
                names.addAll(List.of(stem + ".jar", stem + "-sources.jar", stem + "-javadoc.jar"));
            }
            for (String name : names) {
                Path file = base.resolve(name);
                expected.add(file);
                if (!Files.isRegularFile(file)) {
                    problems.add("missing " + dir.relativize(file));
                    continue;
                }
                for (String sum : List.of("md5", "sha1", "sha256", "sha512")) {
                    Path sidecar = base.resolve(name + "." + sum);
                    if (Files.exists(sidecar)) {
                        expected.add(sidecar);
                        checkSum(file, sidecar, sum);
                    } else if (sum.equals("md5") || sum.equals("sha1")) {
                        problems.add("missing " + dir.relativize(sidecar));
                    }
                }
                // a signature (scripts/stage-release with GPG_KEY) may stand beside any file
                if (Files.exists(base.resolve(name + ".asc"))) {
                    expected.add(base.resolve(name + ".asc"));
                }
                if (name.endsWith(".jar")) {
                    checkJar(file, name);
                } else {
                    poms.put(id, readPom(file));
                }
            }
        }
        for (Map.Entry<String, Document> pom : poms.entrySet()) {
            checkPom(pom.getKey(), pom.getValue());
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.filter(Files::isRegularFile).filter(f -> !expected.contains(f))
                    .forEach(f -> problems.add("unexpected file " + dir.relativize(f)));
        }
        return expected.size();
    }

    private void checkSum(Path file, Path sidecar, String algorithm) throws Exception {
        String name = switch (algorithm) {
            case "md5" -> "MD5";
            case "sha1" -> "SHA-1";
            case "sha256" -> "SHA-256";
            default -> "SHA-512";
        };
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance(name).digest(Files.readAllBytes(file)));
        String stated = Files.readString(sidecar).trim().split("\\s+")[0];
        if (!actual.equalsIgnoreCase(stated)) {
            problems.add(dir.relativize(sidecar) + " says " + stated + ", the file's " + name + " is " + actual);
        }
    }

    private void checkJar(Path file, String name) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> entries = zip.stream().filter(e -> !e.isDirectory()).map(e -> e.getName()).toList();
            boolean some = entries.stream().anyMatch(e -> !e.startsWith("META-INF/"));
            if (!some) {
                problems.add(dir.relativize(file) + " holds nothing but META-INF");
            }
            if (name.equals("server-sessions-" + version + "-sources.jar")
                    && entries.stream().noneMatch(e -> e.endsWith(".java"))) {
                problems.add(dir.relativize(file) + " holds no .java file");
            }
            if (name.equals("server-sessions-" + version + "-javadoc.jar") && !entries.contains("index.html")) {
                problems.add(dir.relativize(file) + " holds no index.html");
            }
        } catch (IOException e) {
            problems.add(dir.relativize(file) + " is no readable jar: " + e.getMessage());
        }
    }

    private static Document readPom(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try (InputStream in = Files.newInputStream(file)) {
            return factory.newDocumentBuilder().parse(in);
        }
    }

    private void checkPom(String id, Document pom) throws IOException {
        Element project = pom.getDocumentElement();
        String file = GROUP_PATH + "/" + id + "/" + version + "/" + id + "-" + version + ".pom";
        String text = Files.readString(dir.resolve(file));
        if (text.contains("-SNAPSHOT")) {
            problems.add(file + " names a -SNAPSHOT");
        }
        String group = text(project, "groupId");
        if (group.isEmpty()) {
            group = text(child(project, "parent"), "groupId");
        }
        String ownVersion = text(project, "version").isEmpty() ? text(child(project, "parent"), "version") : text(project, "version");
        if (!group.equals(GROUP_PATH.replace('/', '.')) || !text(project, "artifactId").equals(id) || !ownVersion.equals(version)) {
            problems.add(file + ": coordinates " + group + ":" + text(project, "artifactId") + ":" + ownVersion + " do not match its path");
        }
        for (String own : List.of("name", "description")) {
            if (text(project, own).isBlank()) {
                problems.add(file + ": no <" + own + "> of its own");
            }
        }
        Element parent = child(project, "parent");
        Element parentProject = parent != null && poms.containsKey(text(parent, "artifactId"))
                ? poms.get(text(parent, "artifactId")).getDocumentElement() : null;
        if (parent != null && parentProject == null) {
            problems.add(file + ": its parent " + text(parent, "artifactId") + " is not staged beside it");
        }
        require(file, project, parentProject, "url", p -> !text(p, "url").isBlank());
        require(file, project, parentProject, "licenses/license (name, url)", p -> {
            Element license = child(child(p, "licenses"), "license");
            return !text(license, "name").isBlank() && !text(license, "url").isBlank();
        });
        require(file, project, parentProject, "developers/developer (name)",
                p -> !text(child(child(p, "developers"), "developer"), "name").isBlank());
        require(file, project, parentProject, "scm (url, connection)", p -> {
            Element scm = child(p, "scm");
            return !text(scm, "url").isBlank() && !text(scm, "connection").isBlank();
        });
    }

    private void require(String file, Element project, Element parent, String what, java.util.function.Predicate<Element> has) {
        if (!has.test(project) && (parent == null || !has.test(parent))) {
            problems.add(file + ": no " + what + ", neither its own nor its parent's");
        }
    }

    /** A direct child element by name, or null. */
    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? "" : e.getTextContent().trim();
    }
}
