package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.PayaraMicro;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SQL backend on a container DataSource in a real runtime: Payara's default DataSource
 * ({@code java:comp/DefaultDataSource}, the embedded H2 {@code jdbc/__default} of Payara 6),
 * by JNDI name and as the application's own {@code @Named} bean; and the deployment-time and
 * run-time messages of a wrong configuration.
 */
class SqlDataSourceIT {
    private static PayaraMicro server;

    @BeforeAll
    static void start() {
        server = PayaraMicro.start("jndi", Map.of("SESSION_TYPE", "sqlalchemy", "SESSION_SQLALCHEMY", "java:comp/DefaultDataSource"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String attribute(Browser browser, String name) {
        Response response = browser.get("/api/session");
        assertEquals(200, response.status(), response.body());
        JsonObject attributes = Json.createReader(new StringReader(response.body())).readObject();
        return attributes.containsKey(name) ? attributes.getString(name) : null;
    }

    @Test
    void sessionsLiveInTheContainersDataSourceNamedInJndi() {
        Browser browser = new Browser(server);
        assertEquals(204, browser.put("/api/session/user", "alice").status());
        assertEquals("alice", attribute(browser, "user"));

        String oldId = browser.cookie().orElseThrow();
        assertEquals(204, browser.post("/api/session/regenerate").status());
        assertNotEquals(oldId, browser.cookie().orElseThrow());
        assertEquals("alice", attribute(browser, "user"));
        assertTrue(server.log().contains("stored in sqlalchemy DataSource java:comp/DefaultDataSource (table sessions)"),
                "the log says where sessions live");
    }

    @Test
    void concurrentWritesToDifferentAttributesAreAllKept() throws Exception {
        Browser browser = new Browser(server);
        browser.put("/api/session/start", "0");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Response>> puts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String name = "k" + i;
            Browser sameCookie = browser.on(server);
            puts.add(pool.submit(() -> sameCookie.put("/api/session/" + name, name)));
        }
        for (Future<Response> put : puts) {
            assertEquals(204, put.get(60, TimeUnit.SECONDS).status());
        }
        pool.shutdown();
        for (int i = 0; i < 50; i++) {
            assertEquals("k" + i, attribute(browser, "k" + i));
        }
    }

    @Test
    void theBindKeySelectsTheApplicationsNamedDataSource() {
        try (PayaraMicro bound = PayaraMicro.start("bindkey", Map.of("SESSION_TYPE", "sqlalchemy",
                "SESSION_SQLALCHEMY_BIND_KEY", "sessionsDataSource", "SESSION_SQLALCHEMY_TABLE", "bound_sessions"))) {
            Browser browser = new Browser(bound);
            assertEquals(204, browser.put("/api/session/cart", "2 items").status());
            assertEquals("2 items", attribute(browser, "cart"));
            assertTrue(bound.log().contains("stored in sqlalchemy, the application's DataSource @Named(\"sessionsDataSource\")"
                    + " (table bound_sessions)"), "the log names the bean");
        }
    }

    @Test
    void withoutAnyDatabaseTheDeploymentFailsNamingTheKey() throws Exception {
        String log = PayaraMicro.startExpectingDeploymentFailure("nodb", Map.of("SESSION_TYPE", "jpa"));
        assertTrue(log.contains("SESSION_SQLALCHEMY is required for SESSION_TYPE=sqlalchemy"), log);
    }

    @Test
    void aJndiNameThatResolvesToNothingGives503AndTheLogSaysWhy() {
        try (PayaraMicro wrong = PayaraMicro.start("wrongjndi", Map.of("SESSION_TYPE", "sqlalchemy",
                "SESSION_SQLALCHEMY", "java:app/jdbc/missing"))) {
            Response response = new Browser(wrong).put("/api/session/a", "1");
            assertEquals(503, response.status());
            assertFalse(response.body().contains("Exception"), response.body());
            assertTrue(wrong.log().contains("SESSION_SQLALCHEMY=java:app/jdbc/missing cannot be looked up in JNDI"), "logged");
            assertEquals(200, new Browser(wrong).get("/probe/untouched").status(), "untouched requests are unaffected");
        }
    }
}
