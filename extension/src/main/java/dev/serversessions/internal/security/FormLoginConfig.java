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
 * its error page, both paths within the application. Only {@code WEB-INF/web.xml} is read;
 * a {@code <login-config>} in a {@code web-fragment.xml} is not (the Servlet specification lets
 * only one place declare it in practice, and fragments rarely do).
 *
 * @param loginPage  the {@code form-login-page}, starting with '/'
 * @param errorPage  the {@code form-error-page}, starting with '/'
 */
public record FormLoginConfig(String loginPage, String errorPage) {

    /** The FORM login of the application's {@code WEB-INF/web.xml}; empty if it declares another or none. */
    public static Optional<FormLoginConfig> read(ServletContext context) {
        try (InputStream in = context.getResourceAsStream("/WEB-INF/web.xml")) {
            return in == null ? Optional.empty() : parse(in);
        } catch (IOException | SAXException | ParserConfigurationException e) {
            // the runtime parsed it already and would have refused a broken one: nothing to add
            return Optional.empty();
        }
    }

    static Optional<FormLoginConfig> parse(InputStream in) throws IOException, SAXException, ParserConfigurationException {
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
        Document document = factory.newDocumentBuilder().parse(in);
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
