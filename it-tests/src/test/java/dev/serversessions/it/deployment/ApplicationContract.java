package dev.serversessions.it.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.HttpTarget;
import dev.serversessions.testsupport.PrivateIds;
import org.junit.jupiter.api.Test;

/**
 * A typical application ({@link Archives#application}) with the library added: injection works
 * in each kind of component, and the application's own JPA and MicroProfile Config are
 * untouched by the jar (it ships no persistence.xml and no config implementation). An
 * interface, so that one running server can serve it beside the other deployment contracts.
 */
interface ApplicationContract {
    String NAME = "app";
    String COOKIE = "notes_session"; // set by the application's own config source
    String GREETING = "hello from the application's own config source";

    /** The application {@link Archives#application} deployed at {@code /app}. */
    HttpTarget application();

    /** A word the runtime's JPA provider's class names contain. */
    String jpaProvider();

    /** {@code SESSION_FILE_DIR} of the application's runtime: the Arquillian servers' by default. */
    default java.nio.file.Path sessionDirectory() {
        return dev.serversessions.it.support.PayaraMicro.workDir().resolve("arquillian-sessions");
    }

    private Browser browser() {
        return new Browser(application(), COOKIE);
    }

    @Test
    default void oneSessionIsSharedByAJaxRsResourceAServletAndACdiBean() {
        Browser browser = browser();
        assertEquals(204, browser.put("/rest/session/color", "blue").status(), "JAX-RS resource writes");
        assertTrue(browser.cookie().isPresent());

        assertEquals("color=blue;visits=1;greeting=" + GREETING, browser.get("/page").body(), "servlet and CDI bean read");
        assertEquals("color=blue;visits=2;greeting=" + GREETING, browser.get("/page").body());
        assertEquals("2", browser.get("/rest/session/visits").body(), "what the CDI bean wrote, read by JAX-RS");
    }

    @Test
    default void aServerSessionScopedBeanIsSharedByAJaxRsResourceAndAServlet() {
        Browser browser = browser();
        assertEquals(204, browser.put("/rest/basket/apple", "").status(), "JAX-RS resource changes the bean");
        assertTrue(browser.cookie().isPresent());
        assertEquals("[apple]", browser.get("/page/basket").body(), "the servlet's bean is the same");
        assertEquals(204, browser.put("/rest/basket/pear", "").status());
        assertEquals("[apple, pear]", browser.get("/rest/basket").body());
    }

    @Test
    default void theApplicationsOwnPersistenceUnitWorksBesideTheLibrary() {
        Browser browser = browser();
        String note = "note-" + System.nanoTime();
        assertEquals(204, browser.send("POST", "/page?note=" + note, "").status());

        String notes = browser.get("/page/notes").body();
        assertTrue(notes.contains(note), notes);
        assertTrue(notes.toLowerCase().contains(jpaProvider()), "the runtime's own JPA provider serves the unit: " + notes);
        assertEquals(note, browser.get("/rest/session/lastNote").body(), "and the same request stored the session");
    }

    @Test
    default void theApplicationsOwnConfigSourceConfiguresTheApplicationAndTheSessions() {
        Browser browser = browser();
        Response put = browser.put("/rest/session/x", "1");
        assertTrue(put.setCookie() != null && put.setCookie().startsWith(COOKIE + "="),
                "SESSION_COOKIE_NAME from the application's config source: " + put.setCookies());
        assertTrue(browser.get("/page").body().endsWith("greeting=" + GREETING));
    }

    @Test
    default void theApplicationsCookiePathIsTheContextRoot() {
        Response put = browser().put("/rest/session/a", "1");
        assertTrue(put.setCookie().contains("; Path=/" + ApplicationContract.NAME + ";"), put.setCookie());
    }

    /**
     * Nobody listens here (no session listener, no {@code HttpSessionBindingListener} class in
     * this WAR), so a logout deletes the session without reading it first. What the store saw
     * tells: an empty directory stands where the session file was. A load would have found no
     * session there (a directory is malformed) and deleted nothing, nor expired the cookie; the
     * delete without a load removes it.
     */
    @Test
    default void aLogoutWithNobodyListeningDeletesTheSessionWithoutLoadingIt() throws Exception {
        Browser browser = browser();
        assertEquals(204, browser.put("/rest/session/a", "1").status());
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(PrivateIds.key("session:", browser.cookie().orElseThrow()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.nio.file.Path file = sessionDirectory().resolve(java.util.HexFormat.of().formatHex(digest));
        assertTrue(java.nio.file.Files.isRegularFile(file), file.toString());
        java.nio.file.Files.delete(file);
        java.nio.file.Files.createDirectory(file);
        java.nio.file.Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(600)));

        Response logout = browser.post("/rest/logout");

        assertEquals(204, logout.status());
        assertTrue(logout.expiresCookie(), String.valueOf(logout.setCookies()));
        assertTrue(java.nio.file.Files.notExists(file), "deleted without a load");
    }

    @Test
    default void anUnknownAttributeIsA404FromJaxRsAndSetsNoCookie() {
        Response missing = browser().get("/rest/session/nothing");
        assertEquals(404, missing.status());
        assertTrue(missing.setCookies().isEmpty(), String.valueOf(missing.setCookies()));
    }
}
