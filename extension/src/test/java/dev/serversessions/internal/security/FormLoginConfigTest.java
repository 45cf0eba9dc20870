package dev.serversessions.internal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FormLoginConfigTest {

    private static Optional<FormLoginConfig> parse(String xml) throws Exception {
        return FormLoginConfig.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aFormLoginConfigGivesItsPages() throws Exception {
        assertEquals(Optional.of(new FormLoginConfig("/login.jsp", "/error.jsp")), parse("""
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <login-config><auth-method> form </auth-method>
                    <form-login-config><form-login-page>/login.jsp</form-login-page>
                    <form-error-page>/error.jsp</form-error-page></form-login-config>
                  </login-config>
                </web-app>"""));
    }

    @Test
    void anotherAuthMethodOrNoneIsNoFormLogin() throws Exception {
        assertTrue(parse("<web-app><login-config><auth-method>BASIC</auth-method></login-config></web-app>").isEmpty());
        assertTrue(parse("<web-app><servlet/></web-app>").isEmpty());
        assertTrue(parse("<web-app><login-config><auth-method>FORM</auth-method></login-config></web-app>").isEmpty(),
                "no pages: the runtime reports that descriptor itself");
    }

    @Test
    void aDescriptorNamingAnExternalEntityFetchesNothing() throws Exception {
        java.nio.file.Path secret = java.nio.file.Files.createTempFile("secret", ".txt");
        java.nio.file.Files.writeString(secret, "the-secret-content");
        Optional<FormLoginConfig> read;
        try {
            read = parse("<!DOCTYPE web-app [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                    + "<web-app><login-config><auth-method>FORM</auth-method><form-login-config>"
                    + "<form-login-page>/&x;</form-login-page><form-error-page>/e</form-error-page></form-login-config></login-config></web-app>");
        } catch (Exception refused) {
            return; // refused outright: nothing fetched either
        } finally {
            java.nio.file.Files.delete(secret);
        }
        assertTrue(read.isEmpty() || !read.get().loginPage().contains("the-secret-content"), read.toString());
    }
}
