package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.session.SessionIds;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.FacesCounter;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.WildFlyServer;
import dev.serversessions.testsupport.PrivateIds;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Payara Micro and WildFly serving the same application from one Redis; with
 * {@code SESSION_SECRET_KEY} set, so that caller records written into Redis by hand, the way
 * anyone with access to the store could, are tested here.
 */
class PayaraAndWildFlyShareOneRedisIT extends SharedRedisContract {
    private static final String SECRET_KEY = "a-long-random-secret-for-the-caller-records-of-this-test";
    private static final String CALLER_FIELD = "a:" + RequestSession.CALLER;

    @BeforeAll
    static void start() {
        // the secret key signs stored callers (the cookie signer stays off: SESSION_USE_SIGNER)
        startOnRedis(PayaraMicro::start, WildFlyServer::start, "payara-wildfly-redis", Map.of("SESSION_SECRET_KEY", SECRET_KEY));
    }

    /** The session id a browser's cookie carries (with a secret key set the cookie is {@code id.signature}). */
    private static String idOf(Browser browser) {
        return browser.cookie().orElseThrow().split("\\.", 2)[0];
    }

    private static byte[] storedCaller(String id) {
        try (Jedis jedis = redis().admin()) {
            byte[] bytes = jedis.hget(PrivateIds.key("session:", id).getBytes(StandardCharsets.UTF_8), CALLER_FIELD.getBytes(StandardCharsets.UTF_8));
            assertNotNull(bytes, "no caller record in Redis for the logged-in session");
            return bytes;
        }
    }

    private static void storeCaller(String id, byte[] bytes) {
        try (Jedis jedis = redis().admin()) {
            jedis.hset(PrivateIds.key("session:", id).getBytes(StandardCharsets.UTF_8), CALLER_FIELD.getBytes(StandardCharsets.UTF_8), bytes);
        }
    }

    @Test
    void aCallerRecordWhoseGroupsWereEditedInTheStoreIsIgnored() throws Exception {
        Browser bob = new Browser(a());
        assertEquals(204, logIn(bob, "bob", "bob-secret").status());
        String id = idOf(bob);
        List<?> record;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(storedCaller(id)))) {
            record = (List<?>) in.readObject(); // SESSION_SERIALIZATION_FORMAT=java: a plain list of strings
        }
        assertEquals("bob", record.get(1), "the stored record: " + record);
        List<Object> promoted = new ArrayList<>(record);
        promoted.add(3, "admin"); // ["caller/1", "bob", mac, "admin", "user"]: same MAC, more groups
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(promoted);
        }
        storeCaller(id, bytes.toByteArray());

        assertEquals(401, admin(bob.on(b())), "an edited record must never be trusted");
        JsonObject seen = whoami(bob.on(b()));
        assertTrue(seen.isNull("user"), "the request is anonymous: " + seen);
        assertEquals(401, admin(bob.on(a())));
        String tag = SessionIds.logTag(id);
        assertTrue(b().log().lines().anyMatch(l -> l.contains(tag) && l.contains("caller record")),
                "one log line names the session by its tag " + tag);
        assertFalse(b().log().contains(id), "the log must not contain the live id");
    }

    @Test
    void aValidCallerRecordCopiedIntoAnotherSessionIsIgnored() {
        Browser alice = new Browser(a());
        assertEquals(204, logIn(alice, "alice", "alice-secret").status());
        Browser bob = new Browser(b());
        assertEquals(204, logIn(bob, "bob", "bob-secret").status());

        // bob can write the store: he copies alice's (correctly signed) record into his session
        storeCaller(idOf(bob), storedCaller(idOf(alice)));

        JsonObject seen = whoami(bob.on(a()));
        assertTrue(seen.isNull("user"), "a record is bound to the session it was signed for: " + seen);
        assertEquals(401, admin(bob.on(b())));
        assertEquals("alice", whoami(alice.on(b())).getString("user"), "alice's own session is untouched");
    }

    /**
     * A Faces view moves between Payara and WildFly: both run Mojarra and Weld, and the state each
     * seals with the shared key is read by the other.
     */
    @Test
    void aFacesViewPostedBackToPayaraAndWildFlyInTurnKeepsCounting() {
        FacesCounter view = FacesCounter.open(new Browser(a()));
        for (int i = 1; i <= 4; i++) {
            assertEquals(i, view.on(i % 2 == 1 ? b() : a()).increment(), "postback " + i + " to " + (i % 2 == 1 ? "WildFly" : "Payara"));
        }
    }

    /**
     * A CDI conversation stays with the runtime that began it: Weld keeps it as Weld's own
     * objects, stored under a hash of the identifiers of the WAR's {@code @ConversationScoped}
     * beans, which each runtime's Weld makes of its own name of the deployment. So WildFly finds
     * no conversation of Payara's and Weld answers as for an ended one (a 500: WELD-000321), and
     * never reads Weld objects of Payara's: the session and its attributes carry on, and the
     * conversation goes on counting on Payara.
     */
    @Test
    void aConversationBegunOnPayaraIsNotFoundOnWildFlyAndCarriesOnOnPayara() {
        Browser onA = new Browser(a());
        assertEquals(204, onA.put("/api/session/cart", "3 items").status());
        Browser.Response begun = onA.post("/beans/conversation");
        assertEquals(200, begun.status(), begun.body());
        assertFalse(begun.setsContainerSessionCookie(), begun.allSetCookies().toString());
        String cid = begun.body();
        assertEquals("1", onA.post("/beans/conversation?cid=" + cid).body());

        Browser wildFly = onA.on(b());
        Browser.Response onWildFly = wildFly.post("/beans/conversation?cid=" + cid);
        assertEquals(500, onWildFly.status(), "WildFly found Payara's conversation: " + onWildFly.body());
        assertFalse(onWildFly.setsContainerSessionCookie(), onWildFly.allSetCookies().toString());
        assertEquals(onA.cookie(), wildFly.cookie(), "the session did not carry on on WildFly");
        Browser.Response cart = wildFly.get("/api/session");
        assertEquals(200, cart.status(), cart.body());
        assertTrue(cart.body().contains("3 items"), cart.body());

        assertEquals("2", onA.post("/beans/conversation?cid=" + cid).body(), "Payara's conversation did not carry on");
    }
}
