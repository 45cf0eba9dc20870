package dev.serversessions.archetype;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The BOM has no parent (its import would hand over the build's test tools too), so it repeats
 * the parent's versions: these tests keep the two in step, and its SLF4J binding in step with
 * the slf4j-api that its Jedis brings.
 */
class BomTest {

    private static final Map<String, String> BOM = properties(Path.of(System.getProperty("bom.pom")));
    private static final Map<String, String> PARENT = properties(Path.of(System.getProperty("parent.pom")));

    @Test
    void theBomManagesEachStoreClientAtTheVersionTheLibraryIsTestedWith() {
        for (String key : new String[] {"jedis.version", "spymemcached.version", "mongodb.version",
                "eclipselink.version", "postgresql.version", "mariadb.version", "h2.version"}) {
            assertEquals(PARENT.get(key), BOM.get(key), key + " of bom/pom.xml differs from the parent's");
        }
        assertEquals(PARENT.get("project.version"), BOM.get("project.version"), "the BOM's version");
    }

    @Test
    void theBomsSlf4jBindingIsOfTheSlf4jApiItsJedisBrings() throws Exception {
        String jedis = BOM.get("jedis.version");
        Path pom = Path.of(System.getProperty("local.repository"), "redis/clients/jedis", jedis,
                "jedis-" + jedis + ".pom");
        Map<String, String> jedisProperties = properties(pom);
        String api = null;
        NodeList dependencies = parse(pom).getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            if ("slf4j-api".equals(child(dependency, "artifactId"))) {
                api = child(dependency, "version").replaceAll("\\$\\{(.+)}", "$1");
                api = jedisProperties.getOrDefault(api, api);
            }
        }
        assertEquals(api, BOM.get("slf4j-jedis.version"), "slf4j-jdk14 must match Jedis " + jedis + "'s slf4j-api");
    }

    /** The pom's properties, and its version as {@code project.version}. */
    private static Map<String, String> properties(Path pom) {
        try {
            Element project = parse(pom);
            Map<String, String> properties = new HashMap<>();
            properties.put("project.version", child(project, "version"));
            NodeList sections = project.getElementsByTagName("properties");
            if (sections.getLength() > 0) {
                for (Node n = sections.item(0).getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (n instanceof Element e) {
                        properties.put(e.getTagName(), e.getTextContent().strip());
                    }
                }
            }
            return properties;
        } catch (Exception e) {
            throw new AssertionError("cannot read " + pom + ": " + e, e);
        }
    }

    private static Element parse(Path pom) throws Exception {
        try (var in = Files.newInputStream(pom)) {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in).getDocumentElement();
        }
    }

    private static String child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().strip();
            }
        }
        return null;
    }
}
