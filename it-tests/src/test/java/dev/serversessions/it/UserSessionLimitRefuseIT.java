package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.PayaraMicro;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code SESSION_MAX_PER_USER_ACTION=refuse} through Jakarta Security on Payara Micro. */
class UserSessionLimitRefuseIT {
    private static PayaraMicro server;

    @BeforeAll
    static void start() {
        server = PayaraMicro.start("owners-refuse", Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", FileSystemSessionContract.newSessionDirectory().toString(),
                "SESSION_MAX_PER_USER", "1", "SESSION_MAX_PER_USER_ACTION", "refuse"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static JsonValue user(Browser browser) {
        Response response = browser.get("/api/whoami");
        assertEquals(200, response.status(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject().get("user");
    }

    @Test
    void aLoginBeyondTheLimitIsRefusedUntilTheUserLogsOutElsewhere() {
        Browser first = new Browser(server);
        assertEquals(204, first.postForm("/api/login", "username", "alice", "password", "alice-secret").status());

        Browser second = new Browser(server);
        assertEquals(204, second.put("/api/session/cart", "1 item").status());
        Response refused = second.postForm("/api/login", "username", "alice", "password", "alice-secret");
        assertEquals(401, refused.status(), refused.body());
        assertFalse(refused.body().contains("Exception"), refused.body());
        assertEquals(JsonValue.NULL, user(second), "the refused login left the session anonymous");
        assertTrue(second.get("/api/session").body().contains("1 item"), "and kept its data");
        assertEquals("alice", ((jakarta.json.JsonString) user(first)).getString(), "the first login is untouched");

        Browser bob = new Browser(server);
        assertEquals(204, bob.postForm("/api/login", "username", "bob", "password", "bob-secret").status(), "bob has his own count");

        assertEquals(204, first.post("/api/logout").status());
        assertEquals(204, second.postForm("/api/login", "username", "alice", "password", "alice-secret").status());
        assertEquals("alice", ((jakarta.json.JsonString) user(second)).getString());
    }
}
