package dev.serversessions.internal.backend.mongodb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.SessionType;
import dev.serversessions.internal.backend.BackendContext;
import dev.serversessions.internal.backend.ClientLookup;
import dev.serversessions.internal.backend.SessionBackendContract;
import dev.serversessions.internal.config.ConfigValues;
import dev.serversessions.internal.config.SessionSettings;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.testsupport.MongoDbServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The backend contract and what only MongoDB shows, against mongo-java-server through the real
 * driver: the document layout, field-name encoding, the TTL index, outages.
 */
class MongoSessionBackendTest extends SessionBackendContract {
    private static final AtomicInteger COLLECTIONS = new AtomicInteger();
    private static MongoDbServer mongo;
    /** A client of the test's own, to look at documents as a MongoDB shell would. */
    private static MongoClient shell;
    private final List<SessionBackend> ownBackends = new ArrayList<>();

    @BeforeAll
    static void startMongo() {
        mongo = MongoDbServer.start();
        shell = MongoClients.create(mongo.connectionString());
    }

    @AfterAll
    static void stopMongo() {
        if (shell != null) {
            shell.close();
        }
        if (mongo != null) {
            mongo.close();
        }
    }

    @Override
    protected SessionBackend createBackend(String keyPrefix) {
        return build(Map.of(SessionSettings.KEY_PREFIX, keyPrefix), ClientLookup.NONE);
    }

    @Override
    protected long storedOwnerEntries(SessionBackend backend, String owner) {
        return shell.getDatabase("flask_session").getCollection("sessions")
                .countDocuments(new org.bson.Document(MongoSessionBackend.OWNER, owner));
    }

    /** Every document of every collection of every database, as extended JSON (binary as base64: an id would show as itself). */
    @Override
    protected String storeDump() {
        StringBuilder dump = new StringBuilder();
        for (String database : shell.listDatabaseNames()) {
            for (String collection : shell.getDatabase(database).listCollectionNames()) {
                dump.append(database).append('.').append(collection).append('\n');
                for (org.bson.Document document : shell.getDatabase(database).getCollection(collection).find()) {
                    dump.append(document.toJson()).append('\n');
                }
                for (org.bson.Document index : shell.getDatabase(database).getCollection(collection).listIndexes()) {
                    dump.append(index.toJson()).append('\n');
                }
            }
        }
        return dump.toString();
    }

    /** A backend built by the provider from keys, as a deployment builds it, on the test server. */
    private SessionBackend backendWith(Map<String, String> keys) {
        return backendWith(keys, ClientLookup.NONE);
    }

    private SessionBackend backendWith(Map<String, String> keys, ClientLookup clients) {
        SessionBackend backend = build(keys, clients);
        ownBackends.add(backend);
        return backend;
    }

    private static SessionBackend build(Map<String, String> keys, ClientLookup clients) {
        Map<String, String> all = new HashMap<>(Map.of(
                SessionSettings.TYPE, "mongodb",
                MongoSettings.MONGODB, mongo.connectionString(),
                MongoSettings.TIMEOUT_MS, "1000"));
        all.putAll(keys);
        ConfigValues values = new ConfigValues(SettingsSource.of(all));
        SessionSettings settings = SessionSettings.read(values);
        MongoBackendProvider provider = new MongoBackendProvider();
        provider.validate(values);
        values.throwIfInvalid();
        return provider.create(new BackendContext(settings, values, clients));
    }

    @AfterEach
    void closeOwnBackends() {
        ownBackends.forEach(SessionBackend::close);
        ownBackends.clear();
    }

    /** A backend on the test server whose clock is {@code offset} away from the true one. */
    private SessionBackend withClockOffBy(Duration offset, String collection) {
        SessionBackend backend = new MongoSessionBackend(MongoClients.create(mongo.connectionString()), true, "flask_session",
                collection, "session:", java.time.Clock.offset(java.time.Clock.systemUTC(), offset), "test");
        ownBackends.add(backend);
        return backend;
    }

    /** Lock leases are reckoned by the database's clock ({@link #assertLeasesFollowTheStoresClock}). */
    @Test
    void lockLeasesFollowTheDatabasesClockNotTheServers() throws Exception {
        String collection = freshCollection();
        SessionBackend honest = withClockOffBy(Duration.ZERO, collection);
        SessionBackend ahead = withClockOffBy(Duration.ofHours(1), collection);
        SessionBackend behind = withClockOffBy(Duration.ofHours(-1), collection);
        assertLeasesFollowTheStoresClock(honest, ahead, behind);
    }

    private static String freshCollection() {
        return "sessions_" + COLLECTIONS.incrementAndGet();
    }

    private static MongoCollection<Document> collection(String name) {
        return shell.getDatabase("flask_session").getCollection(name);
    }

    @Test
    void aSessionIsOneDocumentWithDatesAndBinaryAttributes() {
        String name = freshCollection();
        SessionBackend backend = backendWith(Map.of(SessionSettings.KEY_PREFIX, "shop:", MongoSettings.COLLECT, name));
        String id = IDS.generate();
        Instant expires = inMinutes(30);
        backend.apply(id, create(Map.of("cart", bytes("3 items"), "user.name", bytes("alice"), "$where", bytes("x")), expires));

        Document document = collection(name).find(new Document("_id", "shop:" + id)).first();
        assertEquals(Set.of("_id", "created", "expires", "attributes"), document.keySet());
        assertInstanceOf(Date.class, document.get("created"));
        assertEquals(expires, document.getDate("expires").toInstant());
        Document attributes = document.get("attributes", Document.class);
        assertEquals(Set.of("cart", "user%2Ename", "%24where"), attributes.keySet());
        assertArrayEquals(bytes("3 items"), attributes.get("cart", Binary.class).getData());
    }

    @Test
    void awkwardAttributeNamesSurviveCreationUpdatesAndRemovals() {
        SessionBackend backend = backend();
        String id = IDS.generate();
        List<String> names = List.of(".", "a.b", "..", "$", "$set", "a$b", "\0", "x\0y", "", "%", "%2E", "%u0041",
                "\uD800", "a\uDC00", "😀", "_id", "expires", "attributes", "attributes.x", " ");
        Map<String, byte[]> first = new HashMap<>();
        names.forEach(n -> first.put(n, bytes("first " + n)));
        backend.apply(id, create(first, inMinutes(30)));
        assertEquals(Set.copyOf(names), backend.load(id).orElseThrow().attributes().keySet());

        Map<String, byte[]> put = new HashMap<>();
        Set<String> removed = new java.util.HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            if (i % 2 == 0) {
                put.put(names.get(i), bytes("second " + names.get(i)));
            } else {
                removed.add(names.get(i));
            }
        }
        assertTrue(backend.apply(id, change(put, removed, inMinutes(30))));

        Map<String, byte[]> loaded = backend.load(id).orElseThrow().attributes();
        assertEquals(put.keySet(), loaded.keySet());
        put.forEach((n, v) -> assertArrayEquals(v, loaded.get(n), "attribute '" + n + "'"));
    }

    /** The live-sessions gauge's source: the collection's own count, sessions in, sessions out. */
    @Test
    void theCollectionCountsItsSessions() {
        SessionBackend backend = backendWith(Map.of(MongoSettings.COLLECT, freshCollection()));
        dev.serversessions.internal.backend.SessionCount count = (dev.serversessions.internal.backend.SessionCount) backend;
        assertEquals(0, count.countSessions());
        String first = IDS.generate();
        backend.apply(first, create(Map.of("a", bytes("1")), inMinutes(5)));
        backend.apply(IDS.generate(), create(Map.of("a", bytes("2")), inMinutes(5)));
        assertEquals(2, count.countSessions());
        backend.delete(first);
        assertEquals(1, count.countSessions());
    }

    @Test
    void theTtlIndexIsCreatedOnTheFirstCallThatReachesTheServer() {
        String name = freshCollection();
        SessionBackend backend = backendWith(Map.of(MongoSettings.COLLECT, name));
        assertFalse(shell.getDatabase("flask_session").listCollectionNames().into(new ArrayList<>()).contains(name),
                "building the backend contacts no collection");

        backend.load(IDS.generate());

        Document ttl = ttlIndex(name).orElseThrow(() -> new AssertionError("no index on expires: " + indexes(name)));
        assertEquals(0L, ((Number) ttl.get("expireAfterSeconds")).longValue(), ttl.toJson());
    }

    @Test
    void aDeploymentNeedsNoServerAndTheIndexFollowsWhenItComes() {
        try (MongoDbServer later = MongoDbServer.start()) {
            later.stop();
            SessionBackend backend = backendWith(Map.of(MongoSettings.MONGODB, later.connectionString(),
                    MongoSettings.TIMEOUT_MS, "300"));
            assertThrows(SessionStoreUnavailableException.class, () -> backend.load(IDS.generate()));

            later.restart();
            String id = IDS.generate();
            backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));

            try (MongoClient client = MongoClients.create(later.connectionString())) {
                List<Document> indexes = client.getDatabase("flask_session").getCollection("sessions").listIndexes().into(new ArrayList<>());
                assertTrue(indexes.stream().anyMatch(i -> new Document("expires", 1).equals(i.get("key"))), indexes.toString());
            }
        }
    }

    @Test
    void anUnreachableServerIsReportedQuicklyWithItsAddressAndNoCredentials() {
        try (MongoDbServer down = MongoDbServer.start()) {
            down.stop();
            SessionBackend backend = backendWith(Map.of(
                    MongoSettings.MONGODB, "mongodb://alice:s3cret@127.0.0.1:" + down.port() + "/?authSource=admin",
                    MongoSettings.TIMEOUT_MS, "500"));
            String id = IDS.generate();
            List<Executable> calls = List.of(
                    () -> backend.load(id),
                    () -> backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5))),
                    () -> backend.apply(id, change(Map.of("a", bytes("1")), Set.of(), inMinutes(5))),
                    () -> backend.touch(id, inMinutes(5)),
                    () -> backend.changeId(id, IDS.generate()),
                    () -> backend.delete(id),
                    backend::purgeExpired);
            for (Executable call : calls) {
                long start = System.nanoTime();
                SessionStoreUnavailableException e = assertThrows(SessionStoreUnavailableException.class, call);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
                assertTrue(e.getMessage().contains("127.0.0.1:" + down.port()), e.getMessage());
                assertFalse(e.getMessage().contains("s3cret") || e.getMessage().contains("alice"), e.getMessage());
            }
            assertEquals("mongodb mongodb://127.0.0.1:" + down.port() + " collection flask_session.sessions", backend.describe());
        }
    }

    @Test
    void theBackendRecoversWhenTheServerReturns() {
        try (MongoDbServer flaky = MongoDbServer.start()) {
            SessionBackend backend = backendWith(Map.of(MongoSettings.MONGODB, flaky.connectionString(),
                    MongoSettings.TIMEOUT_MS, "500"));
            String id = IDS.generate();
            backend.apply(id, create(Map.of("kept", bytes("yes")), inMinutes(5)));

            flaky.stop();
            assertThrows(SessionStoreUnavailableException.class, () -> backend.load(id));
            flaky.restart();

            // The driver's monitor finds the server again on its next heartbeat (500 ms, later on a
            // busy machine: a load within the 500 ms timeout failed once at load average 10);
            // recovering means within seconds, with no new client
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            java.util.Optional<dev.serversessions.api.StoredSession> loaded = null;
            while (loaded == null) {
                try {
                    loaded = backend.load(id);
                } catch (SessionStoreUnavailableException e) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("not recovered within 10 s of the server's return", e);
                    }
                }
            }
            assertArrayEquals(bytes("yes"), loaded.orElseThrow().attributes().get("kept"));
        }
    }

    @Test
    void aServerRestartBetweenTwoCallsCostsNoError() {
        try (MongoDbServer restarting = MongoDbServer.start()) {
            SessionBackend backend = backendWith(Map.of(MongoSettings.MONGODB, restarting.connectionString()));
            String id = IDS.generate();
            backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));

            restarting.stop(); // cuts the connection the driver keeps pooled
            restarting.restart();

            assertTrue(backend.apply(id, change(Map.of("b", bytes("2")), Set.of(), inMinutes(5))));
            restarting.stop();
            restarting.restart();
            assertEquals(Set.of("a", "b"), backend.load(id).orElseThrow().attributes().keySet());
        }
    }

    @Test
    void expiredDocumentsTheServerStillHoldsAreNeverUsed() {
        String name = freshCollection();
        SessionBackend backend = backendWith(Map.of(MongoSettings.COLLECT, name));
        String id = IDS.generate();
        Date past = Date.from(Instant.now().minusSeconds(60));
        collection(name).insertOne(new Document("_id", "session:" + id).append("created", past).append("expires", past)
                .append("attributes", new Document("stale", new Binary(bytes("old")))));

        assertEquals(Optional.empty(), backend.load(id));
        assertFalse(backend.touch(id, inMinutes(5)));
        assertFalse(backend.apply(id, change(Map.of("a", bytes("1")), Set.of(), inMinutes(5))));
        assertFalse(backend.changeId(id, IDS.generate()));
        assertEquals(past, collection(name).find(new Document("_id", "session:" + id)).first().getDate("expires"),
                "no call above moved the expiry of a dead session");

        assertTrue(backend.apply(id, create(Map.of("fresh", bytes("1")), inMinutes(5))));
        assertEquals(Set.of("fresh"), backend.load(id).orElseThrow().attributes().keySet(), "nothing stale merged in");
    }

    @Test
    void purgeDeletesExactlyTheExpiredDocuments() {
        String name = freshCollection();
        SessionBackend backend = backendWith(Map.of(MongoSettings.COLLECT, name));
        for (int i = 0; i < 3; i++) {
            Date past = Date.from(Instant.now().minusSeconds(10 + i));
            collection(name).insertOne(new Document("_id", "session:" + IDS.generate()).append("created", past).append("expires", past));
        }
        String live = IDS.generate();
        backend.apply(live, create(Map.of("a", bytes("1")), inMinutes(5)));

        assertEquals(3, backend.purgeExpired());
        assertEquals(1, collection(name).countDocuments());
        assertTrue(backend.load(live).isPresent());
    }

    @Test
    void anApplicationsClientIsUsedAndNeverClosed() {
        String name = freshCollection();
        try (MongoClient own = MongoClients.create(mongo.connectionString())) {
            ClientLookup lookup = new ClientLookup() {
                @Override
                public <T> Optional<T> find(Class<T> type, SessionType store) {
                    return type == MongoClient.class && store == SessionType.MONGODB ? Optional.of(type.cast(own)) : Optional.empty();
                }
            };
            SessionBackend backend = backendWith(Map.of(MongoSettings.COLLECT, name,
                    MongoSettings.MONGODB, "mongodb://unused.invalid:1"), lookup);
            String id = IDS.generate();
            backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));
            assertTrue(backend.describe().contains("127.0.0.1:" + mongo.port()), backend.describe());

            backend.close();

            assertEquals(1, own.getDatabase("flask_session").getCollection(name).countDocuments(), "the client still works");
        }
    }

    @Test
    void aRacingCreateOfOneIdStoresOneWholeSession() throws Exception {
        SessionBackend backend = backend();
        String id = IDS.generate();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 8; i++) {
            String value = "v" + i;
            Thread thread = new Thread(() -> {
                try {
                    backend.apply(id, create(Map.of("only", bytes(value)), inMinutes(5)));
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        assertEquals(List.of(), failures);
        assertEquals(Set.of("only"), backend.load(id).orElseThrow().attributes().keySet());
    }

    private static Optional<Document> ttlIndex(String collection) {
        return indexes(collection).stream().filter(i -> new Document("expires", 1).equals(i.get("key"))).findFirst();
    }

    /**
     * Documents another program wrote under a session's _id: every one is malformed (the core
     * logs it once and starts a session under a new id), none is an outage or an exception of the
     * driver, and none is changed by a read, a sliding read or a save.
     */
    @Test
    void aDocumentWithMissingOrMistypedFieldsIsMalformedAndLeftAlone() {
        String name = freshCollection();
        SessionBackend backend = backendWith(Map.of(MongoSettings.COLLECT, name));
        Date future = Date.from(inMinutes(30));
        Map<String, Document> documents = Map.of(
                "expiry as a string", new Document("created", new Date()).append("expires", "2099-01-01")
                        .append("attributes", new Document("a", new Binary(bytes("1")))),
                "no expiry", new Document("created", new Date()).append("attributes", new Document()),
                "attributes a string", new Document("created", new Date()).append("expires", future).append("attributes", "a=1"),
                "no attributes", new Document("created", new Date()).append("expires", future),
                "an attribute as text", new Document("created", new Date()).append("expires", future)
                        .append("attributes", new Document("user", "alice")),
                "an attribute as a number", new Document("created", new Date()).append("expires", future)
                        .append("attributes", new Document("n", 42)),
                "a field name that is no encoding", new Document("created", new Date()).append("expires", future)
                        .append("attributes", new Document("bad%zz", new Binary(bytes("1")))),
                "created as a number", new Document("created", 12345L).append("expires", future)
                        .append("attributes", new Document("a", new Binary(bytes("1")))));
        for (Map.Entry<String, Document> foreign : documents.entrySet()) {
            String id = IDS.generate();
            Document document = new Document("_id", "session:" + id);
            document.putAll(foreign.getValue());
            collection(name).insertOne(document);

            assertThrows(dev.serversessions.api.MalformedSessionException.class, () -> backend.load(id), foreign.getKey());
            if (!(foreign.getValue().get("expires") instanceof Date)) {
                assertFalse(backend.apply(id, change(Map.of("a", bytes("2")), Set.of(), inMinutes(60))), foreign.getKey());
                assertEquals(document, collection(name).find(new Document("_id", "session:" + id)).first(),
                        "left exactly as it was: " + foreign.getKey());
            } else {
                Document after = collection(name).find(new Document("_id", "session:" + id)).first();
                after.remove("expires");
                document.remove("expires");
                assertEquals(document, after, "only the expiry may have been slid: " + foreign.getKey());
            }
        }
    }

    @Test
    void anExpiredSessionIsNoSessionAndNotMalformed() {
        String name = freshCollection();
        SessionBackend backend = backendWith(Map.of(MongoSettings.COLLECT, name));
        String id = IDS.generate();
        collection(name).insertOne(new Document("_id", "session:" + id).append("created", new Date(0))
                .append("expires", new Date(1000)).append("attributes", new Document()));
        assertEquals(Optional.empty(), backend.load(id));
    }

    /**
     * The limit the backend states leaves room under MongoDB's 16 MiB document: a session of
     * exactly that size, as the core measures it, is stored and read back, even with a name whose
     * every character must be escaped in the field name.
     */
    @Test
    void aSessionOfTheStatedMaximumFitsOneDocument() {
        String name = freshCollection();
        SessionBackend backend = backendWith(Map.of(MongoSettings.COLLECT, name));
        String id = IDS.generate();
        String dots = ".".repeat(1000);
        int small = 10;
        int big = (int) (backend.maxSessionBytes() - dots.length() - "big".length() - small
                - 2L * SessionBackend.BYTES_PER_ATTRIBUTE);
        backend.apply(id, create(Map.of("big", new byte[big], dots, new byte[small]), inMinutes(5)));
        assertEquals(big, backend.load(id).orElseThrow().attributes().get("big").length);
        assertTrue(backend.apply(id, change(Map.of("big", new byte[big]), Set.of(), inMinutes(30))));
    }

    private static List<Document> indexes(String collection) {
        return collection(collection).listIndexes().into(new ArrayList<>());
    }
}
