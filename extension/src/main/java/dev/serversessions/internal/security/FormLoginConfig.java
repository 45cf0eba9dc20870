package dev.serversessions.internal.security;

import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The servlet FORM login an application declares in its {@code WEB-INF/web.xml}
 * ({@code <login-config><auth-method>FORM</auth-method><form-login-config>}): its login page and
 * its error page, both paths within the application. Where {@code web.xml} declares no
 * {@code <login-config>} (or there is none) and is not {@code metadata-complete}, the first
 * {@code META-INF/web-fragment.xml} of a jar in {@code WEB-INF/lib} that declares one is read,
 * as the container merges it (Servlet 6.0, 8.2.3).
 *
 * @param loginPage  the {@code form-login-page}, starting with '/'
 * @param errorPage  the {@code form-error-page}, starting with '/'
 */
public record FormLoginConfig(String loginPage, String errorPage) {

    /** The FORM login of the application's {@code WEB-INF/web.xml} or web fragments; empty if they declare another or none. */
    public static Optional<FormLoginConfig> read(ServletContext context) {
        try (InputStream in = context.getResourceAsStream("/WEB-INF/web.xml")) {
            if (in != null) {
                Document webXml = document(in);
                if (webXml.getElementsByTagNameNS("*", "login-config").getLength() > 0
                        || "true".equalsIgnoreCase(webXml.getDocumentElement().getAttribute("metadata-complete"))) {
                    return form(webXml);
                }
            }
            return fromFragments(context);
        } catch (IOException | SAXException | ParserConfigurationException e) {
            // the runtime parsed it already and would have refused a broken one: nothing to add
            return Optional.empty();
        }
    }

    /**
     * The first web fragment of the application's own jars ({@code WEB-INF/lib}) that declares a
     * login: found through the application's class loader, which indexes its jars (no jar is
     * opened and read through), in the order the class loader gives.
     */
    private static Optional<FormLoginConfig> fromFragments(ServletContext context) throws IOException {
        ClassLoader loader = context.getClassLoader();
        if (loader == null) {
            return Optional.empty();
        }
        java.util.Enumeration<java.net.URL> fragments = loader.getResources("META-INF/web-fragment.xml");
        while (fragments.hasMoreElements()) {
            java.net.URL fragment = fragments.nextElement();
            if (!fragment.toString().contains("/WEB-INF/lib/")) {
                continue; // the runtime's own, not the application's
            }
            try (InputStream in = fragment.openStream()) {
                Document document = document(in);
                if (document.getElementsByTagNameNS("*", "login-config").getLength() > 0) {
                    return form(document);
                }
            } catch (SAXException | ParserConfigurationException | IOException e) {
                // a fragment the runtime refuses anyway
            }
        }
        return Optional.empty();
    }

    static Optional<FormLoginConfig> parse(InputStream in) throws IOException, SAXException, ParserConfigurationException {
        return form(document(in));
    }

    private static Document document(InputStream in) throws IOException, SAXException, ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        // a deployment descriptor names nothing outside itself: no DTD, no schema, no entity is fetched
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setExpandEntityReferences(false);
        return factory.newDocumentBuilder().parse(in);
    }

    /** The FORM login {@code document} declares, if that is its login. */
    private static Optional<FormLoginConfig> form(Document document) {
        NodeList configs = document.getElementsByTagNameNS("*", "login-config");
        if (configs.getLength() == 0) {
            return Optional.empty();
        }
        Element config = (Element) configs.item(0);
        if (!"FORM".equals(text(config, "auth-method").toUpperCase(Locale.ROOT))) {
            return Optional.empty();
        }
        String loginPage = text(config, "form-login-page");
        String errorPage = text(config, "form-error-page");
        if (!loginPage.startsWith("/") || !errorPage.startsWith("/")) {
            return Optional.empty(); // the schema requires both; the runtime reports a descriptor without them
        }
        return Optional.of(new FormLoginConfig(loginPage, errorPage));
    }

    private static String text(Element parent, String name) {
        NodeList found = parent.getElementsByTagNameNS("*", name);
        return found.getLength() == 0 ? "" : found.item(0).getTextContent().trim();
    }
}
