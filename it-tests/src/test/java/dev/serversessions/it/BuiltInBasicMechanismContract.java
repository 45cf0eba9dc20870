package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.builtin.BasicLogin;
import dev.serversessions.it.probe.ProbeServlet;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/**
 * Jakarta Security's built-in {@code @BasicAuthenticationMechanismDefinition}, a bean Soteria
 * builds itself, on two runtimes sharing one filesystem store: the library's
 * decorator reaches it on both, so the caller authenticated once with credentials is the caller
 * of later requests without them, on the other runtime too.
 */
abstract class BuiltInBasicMechanismContract extends TwoNodesOnOneStore {

    /** The WAR with only the built-in mechanism, an identity store and a constraint. */
    static Path war() {
        Path war = dev.serversessions.it.support.PayaraMicro.workDir().resolve("builtin-basic-" + System.nanoTime() + ".war");
        ShrinkWrap.create(WebArchive.class, "builtin-basic.war")
                .addPackage(BasicLogin.class.getPackage())
                .addPackage(ProbeServlet.class.getPackage()) // GET /probe/untouched: the launchers wait for it
                .addAsLibrary(dev.serversessions.it.support.LibraryJar.archive())
                .as(ZipExporter.class).exportTo(war.toFile(), true);
        return war;
    }

    /** The session directory {@link #env()} made last: the store of the class that runs. */
    private static Path storeDirectory;

    /** One filesystem store, and a secret key for the stored callers. */
    static Map<String, String> env() {
        storeDirectory = FileSystemSessionContract.newSessionDirectory();
        return Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", storeDirectory.toString(),
                "SESSION_SECRET_KEY", "a-long-random-secret-for-the-caller-records-of-this-test");
    }

    /** The sessions in the store, counted in the store itself: its session files (named by a 64-digit hash). */
    static long storedSessions() throws IOException {
        return hashNamedFiles(storeDirectory);
    }

    /** The entries of the owner index in the store itself: one file per session in each user's directory. */
    static long ownerIndexEntries() throws IOException {
        Path owners = storeDirectory.resolve("owners");
        if (!Files.isDirectory(owners)) {
            return 0;
        }
        long entries = 0;
        try (Stream<Path> users = Files.list(owners)) {
            for (Path user : users.filter(Files::isDirectory).toList()) {
                entries += hashNamedFiles(user);
            }
        }
        return entries;
    }

    private static long hashNamedFiles(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().matches("[0-9a-f]{64}")).count();
        }
    }

    /** A browser that already has a session: it stored something before it sent any credentials. */
    static Browser browserWithASession(dev.serversessions.it.support.AppServer server) {
        Browser browser = new Browser(server);
        assertEquals("put", browser.get("/probe/put?name=visit&value=1").body());
        assertTrue(browser.cookie().isPresent());
        return browser;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void credentialsOnceThenTheSessionCarriesTheCallerToTheOtherRuntime() {
        Browser alice = browserWithASession(a());
        String before = alice.cookie().orElseThrow();
        Response first = alice.get("/admin", "Authorization", basic("alice", "alice-secret"));
        assertEquals(200, first.status(), first.body());
        SharedStoreContract.assertNoContainerSession(first);
        assertTrue(first.setsCookie(), "the caller went into the browser's session, under a new id");
        assertNotEquals(before, alice.cookie().orElseThrow());

        Response onB = alice.on(b()).get("/caller");
        assertEquals("alice admin=true", onB.body(), "no Authorization header: the caller came from the store");
        SharedStoreContract.assertNoContainerSession(onB);
        assertEquals(200, alice.on(b()).get("/admin").status());

        Browser bob = browserWithASession(b());
        assertEquals(403, bob.get("/admin", "Authorization", basic("bob", "bob-secret")).status());
        assertEquals("bob admin=false", bob.on(a()).get("/caller").body());
        assertEquals(403, bob.on(a()).get("/admin").status());

        assertEquals(401, new Browser(a()).get("/admin").status());
        assertEquals(401, new Browser(b()).get("/admin").status());
    }

    @Test
    void withASecretKeyNoServerWarnsAboutUnsignedLogins() {
        assertFalse(a().log().contains(UserSessionsTwoPayaraFileSystemIT.UNSIGNED_LOGINS));
        assertFalse(b().log().contains(UserSessionsTwoPayaraFileSystemIT.UNSIGNED_LOGINS));
        browserWithASession(a()); // the store is in use: its start is logged
        assertTrue(a().log().contains("Server sessions of this application are stored in"), "the log read is the application's");
    }

    @Test
    void logoutOnOneRuntimeEndsTheBuiltInLoginOnTheOther() {
        Browser alice = browserWithASession(b());
        assertEquals(200, alice.get("/admin", "Authorization", basic("alice", "alice-secret")).status());
        Browser otherTab = alice.on(a());
        assertEquals("alice admin=true", otherTab.get("/caller").body());
        assertEquals(204, alice.post("/caller").status());
        assertEquals("anonymous", otherTab.get("/caller").body());
        assertEquals(401, otherTab.get("/admin").status());
    }

    /**
     * A client without cookies that sends credentials on every request (a script, a monitor) is
     * authenticated on each and stores nothing: 1,000 such requests, half on each runtime, leave
     * the store's sessions and owner index entries as they were. A browser that has a session
     * still gets the caller into it.
     */
    @Test
    void aThousandBasicRequestsWithoutCookiesStoreNoSessionAndNoIndexEntry() throws Exception {
        long sessions = storedSessions();
        long entries = ownerIndexEntries();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                Browser script = new Browser(i % 2 == 0 ? a() : b());
                answers.add(pool.submit(() -> script.get("/admin", "Authorization", basic("alice", "alice-secret"))));
            }
            for (Future<Response> answer : answers) {
                Response response = answer.get(120, TimeUnit.SECONDS);
                assertEquals(200, response.status(), response.body());
                assertFalse(response.setsCookie(), "no session for a client that keeps none: " + response.allSetCookies());
                SharedStoreContract.assertNoContainerSession(response);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(sessions, storedSessions(), "sessions stored by 1,000 cookie-less BASIC requests");
        assertEquals(entries, ownerIndexEntries(), "owner index entries made by 1,000 cookie-less BASIC requests");

        Browser browser = browserWithASession(a());
        assertEquals(sessions + 1, storedSessions());
        assertEquals(200, browser.get("/admin", "Authorization", basic("alice", "alice-secret")).status());
        assertEquals("alice admin=true", browser.on(b()).get("/caller").body(), "the browser's session holds the caller");
        assertEquals(sessions + 1, storedSessions());
        assertEquals(entries + 1, ownerIndexEntries(), "and is alice's");
    }
}
