package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.StoreOutage;
import dev.serversessions.testsupport.MongoDbServer;
import dev.serversessions.testsupport.PrivateIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4 with {@code SESSION_TYPE=mongodb}: the runtime talks to mongo-java-server, which runs
 * in this JVM, through the real MongoDB driver; plus what only MongoDB shows. On whichever runtime
 * the subclass starts ({@link MongoSessionIT}: Payara Micro; the driver in WildFly:
 * {@link MongoSessionWildFlyIT}).
 */
abstract class MongoSessionContract extends SessionSemanticsContract implements StoreLockContract {
    protected static final long TIMEOUT_MS = 1500;
    protected static MongoDbServer mongo;
    private static MongoClient shell;

    /** Starts a MongoDB of the test's own, then the runtime on it. */
    protected static void start(AppServer.Launcher runtime) {
        mongo = MongoDbServer.start();
        shell = MongoClients.create(mongo.connectionString());
        startServer(runtime, "mongodb", SessionScopedBeansContract.withSecretKey(env(mongo)), shell, mongo);
    }

    /**
     * Starts the runtime while MongoDB is stopped: it must deploy (no hang, no failure), answer
     * 503 to what needs the store, and recover by itself once MongoDB is back.
     */
    protected static void startWhileMongoIsDown(AppServer.Launcher runtime) {
        mongo = MongoDbServer.start();
        shell = MongoClients.create(mongo.connectionString());
        mongo.stop();
        AppServer server;
        try {
            server = startServer(runtime, "mongodb", SessionScopedBeansContract.withSecretKey(env(mongo)), shell, mongo);
            assertEquals(503, new Browser(server).put("/api/session/a", "1").status(), "the session needs MongoDB");
        } finally {
            mongo.restart();
        }
        assertEquals(204, new Browser(server).put("/api/session/a", "1").status(), "recovered without a restart");
    }

    protected static Map<String, String> env(MongoDbServer store) {
        return Map.of("SESSION_TYPE", "mongodb",
                "SESSION_MONGODB", store.connectionString(),
                "SESSION_MONGODB_DB", "it_sessions",
                "SESSION_MONGODB_COLLECT", "web",
                "SESSION_MONGODB_TIMEOUT_MS", String.valueOf(TIMEOUT_MS));
    }

    /** SESSION_MONGODB_TIMEOUT_MS. */
    @Override
    protected long storeTimeoutMillis() {
        return TIMEOUT_MS;
    }

    /** The server process goes away (port closed, connections cut) and comes back on its port with its data. */
    @Override
    protected StoreOutage outage() {
        return StoreOutage.of(mongo::stop, mongo::restart);
    }

    private static MongoCollection<Document> sessions() {
        return shell.getDatabase("it_sessions").getCollection("web");
    }

    /**
     * mongo-java-server's view: every command that writes and names the session, counted as the
     * server receives it (the server's background expiry sweep writes its lease every second).
     */
    @Test
    void readOnlyRequestsBetweenSlidesSendMongoNoWrite() throws Exception {
        assertReadOnlyRequestsWriteNothingUntilTheSlideIsDue(id -> mongo.writeCommandsMentioning(PrivateIds.key("session:", id)));
    }

    @Test
    void aSessionIsOneDocumentWhoseAttributeNamesAreEncoded() {
        Browser browser = browser();
        browser.put("/api/session/user.name", "alice");
        browser.put("/api/session/$where", "x");

        Document document = sessions().find(new Document("_id", PrivateIds.key("session:", browser.cookie().orElseThrow()))).first();
        Document attributes = document.get("attributes", Document.class);
        assertEquals(Set.of("user%2Ename", "%24where"), attributes.keySet());
        assertTrue(attributes.get("user%2Ename") instanceof Binary, document.toJson());
        assertEquals("alice", attribute(browser, "user.name"));
        assertEquals("x", attribute(browser, "$where"));
    }

    /**
     * The test application has session listeners, so MongoDB's TTL monitor deletes a session five
     * minutes after its expiry, leaving it to the expiry sweep first (without listeners: at it).
     */
    @Test
    void theTtlIndexOnTheExpiryExists() {
        browser().put("/api/session/a", "1");
        List<Document> indexes = sessions().listIndexes().into(new ArrayList<>());
        assertTrue(indexes.stream().anyMatch(i -> new Document("expires", 1).equals(i.get("key"))
                && i.get("expireAfterSeconds") instanceof Number ttl && ttl.longValue() == 300), indexes.toString());
    }

    @Test
    void theOutageLogNamesMongoAndItsAddress() throws Exception {
        Browser browser = browser();
        browser.put("/api/session/a", "1");
        outage().begin();
        try {
            assertEquals(503, browser.get("/api/session").status());
        } finally {
            outage().end();
        }
        assertTrue(server().log().contains("Session store mongodb mongodb://127.0.0.1:" + mongo.port() + " collection it_sessions.web is unavailable"),
                "log names the store");
    }

    @Test
    void aDocumentWithMistypedFieldsIsNoSessionAndLeftAlone() {
        MongoCollection<Document> web = shell.getDatabase("it_sessions").getCollection("web");
        String stringExpiry = unusedId();
        web.insertOne(new Document("_id", PrivateIds.key("session:", stringExpiry)).append("created", new java.util.Date())
                .append("expires", "2099-01-01").append("attributes", new Document("user", new Binary(new byte[] {1}))));
        String textAttributes = unusedId();
        web.insertOne(new Document("_id", PrivateIds.key("session:", textAttributes)).append("created", new java.util.Date())
                .append("expires", new java.util.Date(System.currentTimeMillis() + 600_000)).append("attributes", "user=mallory"));

        assertForeignEntryIsNoSession(stringExpiry);
        assertForeignEntryIsNoSession(textAttributes);
        assertEquals("2099-01-01", web.find(new Document("_id", PrivateIds.key("session:", stringExpiry))).first().get("expires"));
        assertEquals("user=mallory", web.find(new Document("_id", PrivateIds.key("session:", textAttributes))).first().get("attributes"));
    }
}
