package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.servletform.FormApp;
import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.HttpTarget;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.testsupport.PrivateIds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The servlet FORM login of a plain application's {@code web.xml} (no Jakarta Security
 * mechanism, users in the runtime's own realm: Payara's file realm), on two Payara Micro servers
 * sharing one filesystem store: the request saved before the login page, and the caller after the
 * login, live in the server session, so each step may be answered by the other server or after a
 * restart, and no step makes a container session ({@code JSESSIONID}).
 */
class ServletFormLoginIT extends TwoNodesOnOneStore {
    static final String SAVED_REQUEST = "dev.serversessions.form.savedRequest";
    static final String CALLER = "__ss:caller";
    private static Path store;

    @BeforeAll
    static void start() throws IOException {
        Path war = war();
        Path postboot = payaraUsers();
        Map<String, String> env = BuiltInBasicMechanismContract.env();
        store = Path.of(env.get("SESSION_FILE_DIR"));
        startPair((name, e) -> PayaraMicro.start(name, e, war, postboot), (name, e) -> PayaraMicro.start(name, e, war, postboot),
                "servlet-form", env, null);
    }

    /** Payara's boot commands that put alice (groups admin, user) and bob (user) into its file realm. */
    static Path payaraUsers() throws IOException {
        Path users = PayaraMicro.workDir().resolve("servlet-form-users-" + System.nanoTime());
        Files.createDirectories(users);
        Files.writeString(users.resolve("alice"), "AS_ADMIN_USERPASSWORD=alice-secret\n");
        Files.writeString(users.resolve("bob"), "AS_ADMIN_USERPASSWORD=bob-secret\n");
        Path postboot = users.resolve("postboot.txt");
        Files.writeString(postboot, "create-file-user --groups admin:user --passwordfile " + users.resolve("alice") + " alice\n"
                + "create-file-user --groups user --passwordfile " + users.resolve("bob") + " bob\n");
        return postboot;
    }

    /** The application as its users write it: a servlet, a login page, an error page, and the FORM login in web.xml. */
    static Path war() {
        return war(false);
    }

    /**
     * The application; with {@code inFragment}, its security constraint and FORM login are
     * declared not in {@code web.xml} (it has none) but in the {@code web-fragment.xml} of a jar
     * of its own in {@code WEB-INF/lib}, as a shared login module would bring them.
     */
    static Path war(boolean inFragment) {
        return war(inFragment, WEB_XML);
    }

    /** The application with {@code webXml} as its descriptor (or its fragment's). */
    static Path war(boolean inFragment, String webXml) {
        Path war = PayaraMicro.workDir().resolve("servlet-form-" + System.nanoTime() + ".war");
        WebArchive archive = ShrinkWrap.create(WebArchive.class, "servlet-form.war");
        if (inFragment) {
            archive.addAsLibrary(ShrinkWrap.create(org.jboss.shrinkwrap.api.spec.JavaArchive.class, "login-module.jar")
                    .addAsManifestResource(new StringAsset(webXml.replace("<web-app ", "<web-fragment ")
                            .replace("</web-app>", "</web-fragment>")), "web-fragment.xml"));
        } else {
            archive.setWebXML(new StringAsset(webXml));
        }
        archive
                .addClass(FormApp.class)
                .addAsWebResource(new StringAsset("<!DOCTYPE html><html><body><form id=\"login\" method=\"post\""
                        + " action=\"j_security_check\"><input name=\"j_username\"><input name=\"j_password\" type=\"password\">"
                        + "<button>Log in</button></form></body></html>"), "login.html")
                .addAsWebResource(new StringAsset("<!DOCTYPE html><p id=\"error\">Wrong user name or password</p>"), "login-error.html")
                .addAsLibrary(dev.serversessions.it.support.LibraryJar.archive())
                .as(ZipExporter.class).exportTo(war.toFile(), true);
        return war;
    }

    static final String WEB_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
              <security-constraint>
                <web-resource-collection>
                  <web-resource-name>admin</web-resource-name>
                  <url-pattern>/admin</url-pattern>
                </web-resource-collection>
                <auth-constraint><role-name>admin</role-name></auth-constraint>
              </security-constraint>
              <login-config>
                <auth-method>FORM</auth-method>
                <form-login-config>
                  <form-login-page>/login.html</form-login-page>
                  <form-error-page>/login-error.html</form-error-page>
                </form-login-config>
              </login-config>
              <security-role><role-name>admin</role-name></security-role>
              <security-role><role-name>user</role-name></security-role>
            </web-app>
            """;

    /** An anonymous request for {@code path}: the login page in its place, the request saved in the server session. */
    static void askFor(Browser browser, String path) {
        Response asked = browser.get(path);
        SharedStoreContract.assertNoContainerSession(asked);
        assertEquals(200, asked.status(), asked.body());
        assertTrue(asked.body().contains("j_security_check"), "the login page: " + asked.body());
        assertTrue(browser.cookie().isPresent(), "the saved request lives in the server session: " + asked.allSetCookies());
    }

    static Response post(Browser browser, String user, String password) {
        Response posted = browser.postForm("/j_security_check", "j_username", user, "j_password", password);
        SharedStoreContract.assertNoContainerSession(posted);
        return posted;
    }

    static void assertRedirectedTo(String pathAndQuery, Response posted) {
        assertTrue(posted.status() == 302 || posted.status() == 303, posted.status() + " " + posted.body());
        URI location = URI.create(posted.location());
        assertTrue(location.getHost() == null || "127.0.0.1".equals(location.getHost()), "stays on this host: " + location);
        assertEquals(pathAndQuery, location.getRawPath() + (location.getRawQuery() == null ? "" : "?" + location.getRawQuery()));
    }

    static String caller(Browser browser) {
        Response caller = browser.get("/caller");
        SharedStoreContract.assertNoContainerSession(caller);
        return caller.body();
    }

    /**
     * On one server: alice's login asked for before {@code server} restarts is posted after the
     * restart and ends on the page asked for; her logout, which {@code logoutAnswer} checks, makes
     * her anonymous again. No step sets a {@code JSESSIONID}.
     */
    static void aLoginAskedForBeforeARestartIsPostedAfterItAndEndsOnThePageAskedFor(AppServer server, Consumer<Response> logoutAnswer) {
        Browser alice = new Browser(server);
        askFor(alice, "/admin?before=restart");
        server.restart();
        assertRedirectedTo("/admin?before=restart", post(alice, "alice", "alice-secret"));
        Response admin = alice.get("/admin?before=restart");
        SharedStoreContract.assertNoContainerSession(admin);
        assertEquals(200, admin.status(), admin.body());
        assertEquals("admin alice before=restart", admin.body());

        Response out = alice.post("/logout");
        SharedStoreContract.assertNoContainerSession(out);
        logoutAnswer.accept(out);
        assertEquals("anonymous", caller(alice));
    }

    /** On {@code server} alone: bob's wrong password gets the error page, his right one logs him in, but /admin needs a role he lacks. */
    static void wrongPasswordGetsTheErrorPageAndARoleIsNeeded(HttpTarget server) {
        Browser bob = new Browser(server);
        askFor(bob, "/admin");
        Response wrong = post(bob, "bob", "wrong");
        assertTrue(wrong.body().contains("Wrong user name or password"), wrong.status() + " " + wrong.body());
        assertEquals("anonymous", caller(bob));
        assertRedirectedTo("/admin", post(bob, "bob", "bob-secret"));
        assertEquals(403, bob.get("/admin").status());
        assertEquals("bob admin=false", caller(bob));
    }

    @Test
    void aLoginAskedForOnOneServerIsPostedOnTheOtherAndEndsOnThePageAskedFor() {
        Browser onA = new Browser(a());
        askFor(onA, "/admin?report=q3&x=1");
        String before = onA.cookie().orElseThrow();

        Browser onB = onA.on(b());
        Response posted = post(onB, "alice", "alice-secret");
        assertRedirectedTo("/admin?report=q3&x=1", posted);
        assertFalse(before.equals(onB.cookie().orElseThrow()), "the login gets a new session id");
        onA = onB.on(a());

        Response admin = onA.get("/admin?report=q3&x=1");
        SharedStoreContract.assertNoContainerSession(admin);
        assertEquals(200, admin.status(), admin.body());
        assertEquals("admin alice report=q3&x=1", admin.body());
        assertEquals("alice admin=true", caller(onA.on(b())), "the caller is in the store, for B too");
        assertEquals(200, new Browser(b()).withCookie(onA.cookie().orElseThrow()).get("/admin").status());
    }

    @Test
    void wrongPasswordGetsTheErrorPageAndLogsNobodyIn() {
        Browser onA = new Browser(a());
        askFor(onA, "/admin");
        Browser onB = onA.on(b());
        Response posted = post(onB, "alice", "wrong");
        assertEquals(200, posted.status(), posted.body());
        assertTrue(posted.body().contains("Wrong user name or password"), posted.body());
        assertEquals("anonymous", caller(onB.on(a())));
        assertEquals("anonymous", caller(onB));

        Response retried = post(onA, "alice", "alice-secret");
        assertRedirectedTo("/admin", retried);
        assertEquals("alice admin=true", caller(onA.on(b())), "the saved request outlived the failed try");
    }

    @Test
    void aCallerWithoutTheRoleIsForbidden() {
        Browser bob = new Browser(a());
        askFor(bob, "/admin");
        bob = bob.on(b());
        assertRedirectedTo("/admin", post(bob, "bob", "bob-secret"));
        assertEquals(403, bob.on(a()).get("/admin").status());
        assertEquals("bob admin=false", caller(bob.on(b())));
    }

    @Test
    void aPostToJSecurityCheckWithoutASavedRequestLogsNobodyIn() {
        Browser stranger = new Browser(a());
        Response posted = post(stranger, "alice", "alice-secret");
        assertEquals(400, posted.status(), posted.body());
        assertTrue(posted.body().contains("No login was started"), posted.body());
        assertFalse(posted.setsCookie(), "nothing stored: " + posted.allSetCookies());
        assertEquals("anonymous", caller(stranger));
        assertEquals("anonymous", caller(stranger.on(b())));
    }

    @Test
    void logoutAndInvalidateEndTheLoginOnEveryServer() {
        for (String end : List.of("/logout", "/invalidate")) {
            Browser alice = new Browser(a());
            askFor(alice, "/admin");
            alice = alice.on(b());
            assertRedirectedTo("/admin", post(alice, "alice", "alice-secret"));
            String loggedIn = alice.cookie().orElseThrow();
            assertEquals("alice admin=true", caller(alice.on(a())));

            Response ended = alice.on(b()).post(end);
            SharedStoreContract.assertNoContainerSession(ended);
            assertEquals(204, ended.status(), end + ": " + ended.body());
            Browser replay = new Browser(a()).withCookie(loggedIn);
            assertEquals("anonymous", caller(replay), end + " ends the login for the old cookie too");
            Response admin = replay.get("/admin");
            assertTrue(admin.body().contains("j_security_check"), end + ": asked to log in again: " + admin.body());
        }
    }

    @Test
    void aLoginAskedForBeforeARestartIsPostedAfterItAndSurvivesIt() {
        Browser alice = new Browser(a());
        askFor(alice, "/admin?before=restart");
        b().restart();
        alice = alice.on(b());
        assertRedirectedTo("/admin?before=restart", post(alice, "alice", "alice-secret"));
        a().restart();
        assertEquals("admin alice before=restart", alice.on(a()).get("/admin?before=restart").body());
        assertEquals("alice admin=true", caller(alice.on(b())));
    }

    @Test
    void aCallerRecordEditedOrForgedInTheStoreLogsNobodyIn() throws Exception {
        Browser bob = new Browser(a());
        askFor(bob, "/admin");
        assertRedirectedTo("/admin", post(bob, "bob", "bob-secret"));
        String bobs = bob.cookie().orElseThrow();
        List<Object> record = new ArrayList<>((List<?>) javaObject(attributes(bobs).get(CALLER)));
        assertEquals("bob", record.get(1), "the stored record: " + record);
        record.add(3, "admin"); // ["caller/1", "bob", mac, "admin", "user"]: same MAC, more groups
        writeAttribute(bobs, CALLER, javaBytes(record));
        assertEquals("anonymous", caller(bob.on(b())), "an edited record is nobody");
        assertTrue(bob.on(a()).get("/admin").body().contains("j_security_check"));

        Browser mallory = new Browser(b());
        askFor(mallory, "/admin");
        writeAttribute(mallory.cookie().orElseThrow(), CALLER, javaBytes(new ArrayList<>(List.of("caller/1", "alice", "", "admin", "user"))));
        assertEquals("anonymous", caller(mallory.on(a())), "a record without the key's MAC is nobody");
        assertTrue(mallory.on(b()).get("/admin").body().contains("j_security_check"));
    }

    @Test
    void aSavedRequestEditedToPointElsewhereEndsOnTheApplicationsRoot() throws Exception {
        for (String elsewhere : List.of("//evil.example/admin", "https://evil.example/", "/\\evil.example/", "/admin\r\nSet-Cookie: x=1")) {
            Browser alice = new Browser(a());
            askFor(alice, "/admin");
            writeAttribute(alice.cookie().orElseThrow(), SAVED_REQUEST, javaBytes(elsewhere));
            assertRedirectedTo("/", post(alice.on(b()), "alice", "alice-secret"));
        }
        Browser alice = new Browser(a());
        askFor(alice, "/admin?next=https://evil.example/&x=//evil.example");
        assertRedirectedTo("/admin?next=https://evil.example/&x=//evil.example", post(alice.on(b()), "alice", "alice-secret"));
    }

    // --- the store itself: the session file of a cookie, in the filesystem store's format ---

    private static Path sessionFile(String cookie) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(PrivateIds.key("session:", cookie).getBytes(StandardCharsets.UTF_8));
        return store.resolve(HexFormat.of().formatHex(digest));
    }

    private static Map<String, byte[]> attributes(String cookie) throws Exception {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(sessionFile(cookie))))) {
            in.readInt();
            in.readNBytes(in.readInt());
            in.readLong();
            Map<String, byte[]> attributes = new LinkedHashMap<>();
            for (int n = in.readInt(); n > 0; n--) {
                String name = new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
                attributes.put(name, in.readNBytes(in.readInt()));
            }
            return attributes;
        }
    }

    /** Rewrites one attribute of a session file, as whoever can write the store could; its expiry (the file's time) stays. */
    private static void writeAttribute(String cookie, String name, byte[] value) throws Exception {
        Path file = sessionFile(cookie);
        byte[] old = Files.readAllBytes(file);
        FileTime expiry = Files.getLastModifiedTime(file);
        Map<String, byte[]> attributes = attributes(cookie);
        attributes.put(name, value);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(old)); DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(in.readInt());
            byte[] key = in.readNBytes(in.readInt());
            out.writeInt(key.length);
            out.write(key);
            out.writeLong(in.readLong());
            out.writeInt(attributes.size());
            for (Map.Entry<String, byte[]> e : attributes.entrySet()) {
                byte[] n = e.getKey().getBytes(StandardCharsets.UTF_8);
                out.writeInt(n.length);
                out.write(n);
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
        }
        Path temp = file.resolveSibling("edit-" + System.nanoTime());
        Files.write(temp, bytes.toByteArray());
        Files.setLastModifiedTime(temp, expiry);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] javaBytes(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    private static Object javaObject(byte[] bytes) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }
}
