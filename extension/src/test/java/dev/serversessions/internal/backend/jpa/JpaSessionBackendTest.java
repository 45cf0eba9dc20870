package dev.serversessions.internal.backend.jpa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.MalformedSessionException;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.backend.BackendContext;
import dev.serversessions.internal.backend.ClientLookup;
import dev.serversessions.internal.backend.LeaseRace;
import dev.serversessions.internal.backend.SessionBackendContract;
import dev.serversessions.internal.config.ConfigValues;
import dev.serversessions.internal.config.SessionSettings;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.session.SessionRuntime;
import dev.serversessions.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The backend contract and what only SQL can show, against a real database; one subclass per
 * database (PostgreSQL, MariaDB, H2), each on a database of its own.
 */
abstract class JpaSessionBackendTest extends SessionBackendContract {
    private final List<SessionBackend> mine = new ArrayList<>();
    private final List<SessionRuntime> runtimes = new ArrayList<>();

    private static TestDatabase database;

    /** Makes {@code created} the test class's own database, dropped after its tests. */
    protected static void useDatabase(TestDatabase created) {
        database = created;
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
            database = null;
        }
    }

    /** The test class's own database. */
    protected TestDatabase database() {
        return database;
    }

    @Override
    protected SessionBackend createBackend(String keyPrefix) {
        return build(Map.of(JpaSettings.URL, database().url(), SessionSettings.KEY_PREFIX, keyPrefix));
    }

    @AfterEach
    void closeMine() {
        mine.forEach(SessionBackend::close);
        runtimes.forEach(r -> r.backend(dev.serversessions.api.SessionType.SQLALCHEMY).close());
    }

    /** A backend from keys, built the way the extension builds it. */
    private SessionBackend build(Map<String, String> keys) {
        return build(keys, Clock.systemUTC());
    }

    private SessionBackend build(Map<String, String> keys, Clock clock) {
        Map<String, String> all = new HashMap<>(keys);
        all.put(SessionSettings.TYPE, "sqlalchemy");
        ConfigValues values = new ConfigValues(SettingsSource.of(all));
        SessionSettings settings = SessionSettings.read(values);
        JpaBackendProvider provider = new JpaBackendProvider();
        provider.validate(values);
        values.throwIfInvalid();
        return provider.create(new BackendContext(settings, values, ClientLookup.NONE), clock);
    }

    /** A backend from keys, closed after the test. */
    protected SessionBackend mine(Map<String, String> keys) {
        SessionBackend backend = build(keys);
        mine.add(backend);
        return backend;
    }

    /** Every row of every table of the test's database, each column as text (binary as ISO-8859-1). */
    @Override
    protected String storeDump() throws Exception {
        StringBuilder dump = new StringBuilder();
        try (java.sql.Connection connection = database().connect()) {
            List<String> tables = new ArrayList<>();
            try (java.sql.ResultSet rs = connection.getMetaData().getTables(connection.getCatalog(), null, "%", null)) {
                while (rs.next()) {
                    String schema = String.valueOf(rs.getString("TABLE_SCHEM")).toLowerCase(java.util.Locale.ROOT);
                    String type = String.valueOf(rs.getString("TABLE_TYPE"));
                    if (type.contains("TABLE") && !type.contains("SYSTEM") && !schema.equals("information_schema") && !schema.equals("pg_catalog")) {
                        tables.add(rs.getString("TABLE_SCHEM") == null ? rs.getString("TABLE_NAME") : rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME"));
                    }
                }
            }
            assertTrue(tables.size() >= 2, "the backend's tables are listed: " + tables);
            for (String table : tables) {
                dump.append(table).append('\n');
                try (java.sql.Statement st = connection.createStatement(); java.sql.ResultSet rows = st.executeQuery("SELECT * FROM " + table)) {
                    int columns = rows.getMetaData().getColumnCount();
                    while (rows.next()) {
                        for (int c = 1; c <= columns; c++) {
                            Object value = rows.getObject(c);
                            dump.append(value instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.ISO_8859_1) : String.valueOf(value)).append(' ');
                        }
                        dump.append('\n');
                    }
                }
            }
        }
        return dump.toString();
    }

    @Override
    protected long storedOwnerEntries(SessionBackend backend, String owner) throws Exception {
        return database().count("SELECT COUNT(*) FROM sessions_owners WHERE owner_hash = ?", JpaSessionBackend.hash(owner));
    }

    /** Lock leases are reckoned by the database's clock ({@link #assertLeasesFollowTheStoresClock}). */
    @Test
    void lockLeasesFollowTheDatabasesClockNotTheServers() throws Exception {
        Map<String, String> keys = Map.of(JpaSettings.URL, database().url());
        SessionBackend honest = mine(keys);
        SessionBackend ahead = build(keys, Clock.offset(Clock.systemUTC(), Duration.ofHours(1)));
        mine.add(ahead);
        SessionBackend behind = build(keys, Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)));
        mine.add(behind);
        assertLeasesFollowTheStoresClock(honest, ahead, behind);
    }

    @Test
    void aDatabaseWithTheTablesOfAnEarlierVersionGetsTheOwnersTableAndKeepsItsSessions() throws Exception {
        Map<String, String> keys = Map.of(JpaSettings.URL, database().url(), JpaSettings.TABLE, "old_sessions");
        String id = IDS.generate();
        SessionBackend first = mine(keys);
        first.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));
        first.close();
        database().execute("DROP TABLE old_sessions_owners"); // as an earlier version left it
        database().execute("DROP TABLE old_sessions_locks");

        SessionBackend upgraded = mine(keys);
        assertArrayEquals(bytes("1"), upgraded.load(id).orElseThrow().attributes().get("a"));
        upgraded.ownerIndex().orElseThrow().add("grace", id, inMinutes(10));
        assertEquals(Set.of(id), upgraded.ownerIndex().orElseThrow().ids("grace"));
        assertTrue(database().tables(database().defaultSchema()).contains("old_sessions_owners"));
        assertTrue(upgraded.tryLock(id, "after-upgrade", java.time.Duration.ofSeconds(30)), "the locks table was created too");
        assertTrue(upgraded.unlock(id, "after-upgrade"));
        assertEquals(Set.of("id", "session_id", "created_millis", "expires_millis"),
                database().columns(database().defaultSchema(), "old_sessions"), "the sessions table is not altered");
    }

    @Test
    void customTableSchemaAndSequenceAreCreatedInTheCatalog() throws Exception {
        String schema = "custom_" + Long.toString(System.nanoTime(), 36);
        database().createSchema(schema);
        SessionBackend backend = mine(Map.of(JpaSettings.URL, database().url(), JpaSettings.TABLE, "web_sessions",
                JpaSettings.SCHEMA, schema, JpaSettings.SEQUENCE, "web_session_keys"));
        String id = IDS.generate();
        assertTrue(backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5))));

        assertEquals(Set.of("web_sessions", "web_sessions_attributes", "web_sessions_owners", "web_sessions_locks"), database().tables(schema));
        assertEquals(Set.of("web_session_keys"), database().sequences(schema));
        assertEquals(Set.of("id", "session_id", "created_millis", "expires_millis"), database().columns(schema, "web_sessions"));
        assertEquals(Set.of("session_ref", "attribute_hash", "attribute_name", "attribute_value"),
                database().columns(schema, "web_sessions_attributes"));
        assertFalse(database().tables(database().defaultSchema()).contains("web_sessions"), "nothing in the default schema");
        assertArrayEquals(bytes("1"), backend.load(id).orElseThrow().attributes().get("a"));
    }

    @Test
    void withoutASequenceTheKeyIsAnIdentityColumnInTheDefaultSchema() throws Exception {
        SessionBackend backend = mine(Map.of(JpaSettings.URL, database().url(), JpaSettings.TABLE, "plain_sessions"));
        backend.apply(IDS.generate(), create(Map.of("a", bytes("1")), inMinutes(5)));
        backend.apply(IDS.generate(), create(Map.of("a", bytes("1")), inMinutes(5)));

        assertTrue(database().tables(database().defaultSchema()).containsAll(Set.of("plain_sessions", "plain_sessions_attributes")));
        assertEquals(2, database().count("SELECT COUNT(DISTINCT id) FROM plain_sessions"));
    }

    @Test
    void anExistingTableIsUsedAsItIsAndNeverAltered() throws Exception {
        Map<String, String> keys = Map.of(JpaSettings.URL, database().url(), JpaSettings.TABLE, "kept_sessions");
        String id = IDS.generate();
        SessionBackend first = mine(keys);
        first.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));
        first.close();
        database().execute("ALTER TABLE kept_sessions ADD COLUMN dba_note VARCHAR(20)");

        SessionBackend second = mine(keys);
        assertArrayEquals(bytes("1"), second.load(id).orElseThrow().attributes().get("a"));
        assertTrue(second.apply(IDS.generate(), create(Map.of("b", bytes("2")), inMinutes(5))));
        assertTrue(database().columns(database().defaultSchema(), "kept_sessions").contains("dba_note"));
    }

    @Test
    void purgeDeletesExpiredRowsWithTheirAttributesAndKeepsLiveOnes() throws Exception {
        SessionBackend backend = mine(Map.of(JpaSettings.URL, database().url(), JpaSettings.TABLE, "purged_sessions"));
        String expiring = IDS.generate();
        String live = IDS.generate();
        backend.apply(expiring, create(Map.of("a", bytes("1"), "b", bytes("2")), Instant.now().plusMillis(500)));
        backend.apply(live, create(Map.of("a", bytes("1")), inMinutes(30)));
        Thread.sleep(1000);

        assertEquals(1, backend.purgeExpired());

        assertEquals(1, database().count("SELECT COUNT(*) FROM purged_sessions"));
        assertEquals(1, database().count("SELECT COUNT(*) FROM purged_sessions_attributes"), "the expired session's attributes go too");
        assertTrue(backend.load(live).isPresent());
        assertEquals(0, backend.purgeExpired());
    }

    @Test
    void twoFirstWritesOfOneNewSessionBothSucceedAndBothAttributesSurvive() throws Exception {
        // two servers behind a load balancer, each saving the same brand-new session
        SessionBackend serverA = backend();
        SessionBackend serverB = backend();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String id = IDS.generate();
                CyclicBarrier together = new CyclicBarrier(2);
                Future<Boolean> a = pool.submit(() -> {
                    together.await();
                    return serverA.apply(id, create(Map.of("from-a", bytes("a")), inMinutes(5)));
                });
                Future<Boolean> b = pool.submit(() -> {
                    together.await();
                    return serverB.apply(id, create(Map.of("from-b", bytes("b")), inMinutes(5)));
                });
                assertTrue(a.get(30, TimeUnit.SECONDS), "first write on A, round " + round);
                assertTrue(b.get(30, TimeUnit.SECONDS), "first write on B, round " + round);
                assertEquals(Set.of("from-a", "from-b"), serverA.load(id).orElseThrow().attributes().keySet(),
                        "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aNewSessionReusingAnExpiredIdStartsEmpty() throws InterruptedException {
        SessionBackend backend = backend();
        String id = IDS.generate();
        backend.apply(id, create(Map.of("old", bytes("1")), Instant.now().plusMillis(500)));
        Thread.sleep(1000);

        assertTrue(backend.apply(id, create(Map.of("new", bytes("2")), inMinutes(5))));

        assertEquals(Set.of("new"), backend.load(id).orElseThrow().attributes().keySet());
    }

    @Test
    void startsWhileTheDatabaseIsDownAndConnectsOnceItIsBack() throws Exception {
        database().proxy().cut();
        SessionBackend backend;
        try {
            backend = mine(Map.of(JpaSettings.URL, database().urlThroughProxy(), JpaSettings.TABLE, "late_sessions"));
            SessionStoreUnavailableException down = assertThrows(SessionStoreUnavailableException.class,
                    () -> backend.load(IDS.generate()));
            assertTrue(down.getMessage().contains("late_sessions"), down.getMessage());
            assertThrows(SessionStoreUnavailableException.class, () -> backend.apply(IDS.generate(),
                    create(Map.of("a", bytes("1")), inMinutes(5))));
        } finally {
            database().proxy().restore();
        }
        String id = IDS.generate();
        assertTrue(backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5))));
        assertTrue(backend.load(id).isPresent());
    }

    @Test
    void anOutageIsReportedQuicklyAsUnavailableAndTheBackendRecoversByItself() throws Exception {
        SessionBackend backend = mine(Map.of(JpaSettings.URL, database().urlThroughProxy(), JpaSettings.TABLE, "outage_sessions"));
        String id = IDS.generate();
        backend.apply(id, create(Map.of("kept", bytes("yes")), inMinutes(5)));
        assertTrue(backend.load(id).isPresent());

        database().proxy().cut();
        try {
            long start = System.nanoTime();
            SessionStoreUnavailableException down = assertThrows(SessionStoreUnavailableException.class,
                    () -> backend.load(id));
            assertTrue(down.getMessage().contains(backend.describe()), down.getMessage());
            assertThrows(SessionStoreUnavailableException.class,
                    () -> backend.apply(id, change(Map.of("b", bytes("2")), Set.of(), inMinutes(5))));
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "failed fast");
        } finally {
            database().proxy().restore();
        }
        StoredSession after = backend.load(id).orElseThrow();
        assertArrayEquals(bytes("yes"), after.attributes().get("kept"));
    }

    @Test
    void anIdleOutageCostsNoFailedRequestOnceTheDatabaseIsBack() throws Exception {
        SessionBackend backend = mine(Map.of(JpaSettings.URL, database().urlThroughProxy(), JpaSettings.TABLE, "outage_sessions"));
        String id = IDS.generate();
        backend.apply(id, create(Map.of("kept", bytes("yes")), inMinutes(5)));

        database().proxy().cut(); // every pooled connection breaks while nobody asks
        database().proxy().restore();

        assertTrue(backend.load(id).isPresent());
        assertTrue(backend.apply(id, change(Map.of("b", bytes("2")), Set.of(), inMinutes(5))));
    }

    @Test
    void anApplicationsEntityManagerFactoryIsUsedAsItIsAndNeverClosed() throws Exception {
        ConfigValues values = new ConfigValues(SettingsSource.of(Map.of(JpaSettings.TABLE, "app_emf_sessions")));
        JpaSettings settings = JpaSettings.read(values);
        // stands for the application's own resource-local factory
        jakarta.persistence.EntityManagerFactory factory = SessionEntityManagerFactories.forUrl(database().url(),
                JdbcUrls.driverClass(database().url(), getClass().getClassLoader()).orElseThrow(), settings,
                getClass().getClassLoader());
        try {
            SessionBackend backend = new JpaBackendProvider().create(new BackendContext(SessionSettings.read(values), values,
                    lookupOf(jakarta.persistence.EntityManagerFactory.class, factory)));
            String id = IDS.generate();
            assertTrue(backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5))));
            assertArrayEquals(bytes("1"), backend.load(id).orElseThrow().attributes().get("a"));
            assertTrue(backend.describe().contains("the application's EntityManagerFactory"), backend.describe());
            backend.close();
            assertTrue(factory.isOpen(), "the application's factory stays open");
            assertEquals(1, database().count("SELECT COUNT(*) FROM app_emf_sessions"));
        } finally {
            factory.close();
        }
    }

    @Test
    void anApplicationsDataSourceQualifiedForTheBackendIsUsed() throws Exception {
        ConfigValues values = new ConfigValues(SettingsSource.of(Map.of(JpaSettings.TABLE, "app_ds_sessions")));
        SessionBackend backend = new JpaBackendProvider().create(new BackendContext(SessionSettings.read(values), values,
                lookupOf(javax.sql.DataSource.class, database().dataSource())));
        mine.add(backend);
        String id = IDS.generate();
        assertTrue(backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5))));
        assertTrue(backend.apply(id, change(Map.of("b", bytes("2")), Set.of("a"), inMinutes(5))));
        assertEquals(Set.of("b"), backend.load(id).orElseThrow().attributes().keySet());
        assertEquals(1, database().count("SELECT COUNT(*) FROM app_ds_sessions_attributes"));
    }

    /** What CDI would find for {@code @Backend(SQLALCHEMY) type}. */
    private static <C> ClientLookup lookupOf(Class<C> type, C client) {
        return new ClientLookup() {
            @Override
            public <T> java.util.Optional<T> find(Class<T> clientType, dev.serversessions.api.SessionType store) {
                return clientType == type && store == dev.serversessions.api.SessionType.SQLALCHEMY
                        ? java.util.Optional.of(clientType.cast(client)) : java.util.Optional.empty();
            }
        };
    }

    @Test
    void aStatementWaitingLongerThanTheTimeoutFailsAsUnavailable() throws Exception {
        SessionBackend backend = mine(Map.of(JpaSettings.URL, database().url(), JpaSettings.TABLE, "slow_sessions",
                JpaSettings.TIMEOUT, "1"));
        String id = IDS.generate();
        backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5)));
        try (java.sql.Connection blocker = database().connect()) {
            blocker.setAutoCommit(false);
            try (java.sql.PreparedStatement lock = blocker.prepareStatement(database().lockRow("slow_sessions"))) {
                lock.setString(1, "session:" + id);
                lock.executeQuery().close();
            }
            long start = System.nanoTime();
            assertThrows(SessionStoreUnavailableException.class,
                    () -> backend.apply(id, change(Map.of("b", bytes("2")), Set.of(), inMinutes(5))));
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            assertTrue(seconds < 8, "gave up after " + seconds + " s");
            blocker.rollback();
        }
        assertTrue(backend.apply(id, change(Map.of("b", bytes("2")), Set.of(), inMinutes(5))), "fine once the lock is gone");
    }

    @Test
    void concurrentWritersOfManySessionsNeverFail() throws Exception {
        // Writers of different sessions must not deadlock each other (InnoDB gap locks), or must retry when they do.
        SessionBackend backend = backend();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = IDS.generate();
            backend.apply(id, create(Map.of("start", bytes("0")), inMinutes(30)));
            ids.add(id);
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (String id : ids) {
                String name = "r" + round;
                results.add(pool.submit(() -> backend.apply(id, change(Map.of(name, bytes(name)), Set.of("start"), inMinutes(30)))));
            }
        }
        try {
            for (Future<Boolean> result : results) {
                assertTrue(result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        for (String id : ids) {
            assertEquals(Set.of("r0", "r1", "r2", "r3", "r4"), backend.load(id).orElseThrow().attributes().keySet());
        }
    }

    /** Committed as it runs (on PostgreSQL without a transaction of its own): any other connection sees it at once. */
    @Test
    void aChangeIsCommittedForEveryOtherConnection() throws Exception {
        SessionBackend backend = mine(Map.of(JpaSettings.URL, database().url(), JpaSettings.TABLE, "visible_sessions"));
        String id = IDS.generate();
        assertTrue(backend.apply(id, create(Map.of("a", bytes("1")), inMinutes(5))));
        assertTrue(backend.load(id).isPresent());

        assertTrue(backend.apply(id, change(Map.of("a", bytes("2"), "b", bytes("3")), Set.of(), inMinutes(9))));

        assertEquals(2, database().count("SELECT COUNT(*) FROM visible_sessions_attributes"));
        assertEquals(1, database().count("SELECT COUNT(*) FROM visible_sessions_attributes WHERE attribute_name = 'a'"
                + " AND attribute_value = ?", (Object) bytes("2")));
        assertEquals(1, database().count("SELECT COUNT(*) FROM visible_sessions WHERE expires_millis > ?",
                inMinutes(8).toEpochMilli()));
    }

    /**
     * The statements per request kind, through the real request rules: what docs/jpa.md reports.
     */
    @Test
    void aRequestCostsAtMostFiveStatements() throws Exception {
        SessionRuntime runtime = SessionRuntime.create(SettingsSource.of(Map.of(SessionSettings.TYPE, "sqlalchemy",
                JpaSettings.URL, CountingDriver.counting(database().url()), JpaSettings.TABLE, "counted_sessions")),
                getClass().getClassLoader(), Clock.systemUTC());
        runtimes.add(runtime);
        // warm up: the first request creates the tables
        RequestSession warmUp = runtime.open(null);
        warmUp.put("warm", "up");
        warmUp.save();
        CountingDriver.takeExecuted();

        RequestSession untouched = runtime.open(warmUp.id());
        untouched.save();
        List<String> none = CountingDriver.takeExecuted();

        RequestSession fresh = runtime.open(null);
        fresh.put("cart", "1 item");
        fresh.save();
        List<String> created = CountingDriver.takeExecuted();

        RequestSession reader = runtime.open(fresh.id());
        reader.get("cart");
        reader.save();
        List<String> read = CountingDriver.takeExecuted();

        RequestSession writer = runtime.open(fresh.id());
        writer.put("cart", "2 items");
        writer.save();
        List<String> written = CountingDriver.takeExecuted();

        System.out.printf("[%s] statements per request: untouched %s%n  new session %s%n  read-only %s%n  write %s%n",
                getClass().getSimpleName(), none, created, read, written);
        assertEquals(List.of(), none);
        assertEquals(List.of("INSERT", "INSERT", "COMMIT"), verbs(created));
        assertEquals(List.of("SELECT"), verbs(read), "a pure read, the slide not due: no write, no commit");
        if (SqlDialect.ofUrl(database().url()).orElseThrow() == SqlDialect.POSTGRESQL) {
            assertEquals(List.of("SELECT", "WITH"), verbs(written), "the load, then one statement that commits by itself");
        } else {
            assertEquals(List.of("SELECT", "UPDATE", "DELETE", "INSERT", "COMMIT"), verbs(written));
        }

        SessionRuntime everyRequest = SessionRuntime.create(SettingsSource.of(Map.of(SessionSettings.TYPE, "sqlalchemy",
                JpaSettings.URL, CountingDriver.counting(database().url()), JpaSettings.TABLE, "counted_sessions",
                SessionSettings.REFRESH_THRESHOLD, "0")), getClass().getClassLoader(), Clock.systemUTC());
        runtimes.add(everyRequest);
        RequestSession warm = everyRequest.open(warmUp.id()); // its first request probes the tables
        warm.get("warm");
        warm.save();
        CountingDriver.takeExecuted();
        RequestSession sliding = everyRequest.open(fresh.id());
        sliding.get("cart");
        sliding.save();
        List<String> slid = CountingDriver.takeExecuted();
        System.out.printf("[%s] read-only, slide due: %s%n", getClass().getSimpleName(), slid);
        assertEquals(List.of("SELECT", "UPDATE", "COMMIT"), verbs(slid), "the load, then the touch");
    }

    /**
     * What SESSION_LOCKING adds to a read-only request, through the real request rules: on
     * PostgreSQL the lock and the unlock are one statement each that commits by itself (no
     * COMMIT; {@link #onPostgresTheLeaseStatementsCommitWithoutWaitingForTheWalFlush} shows
     * how they commit), elsewhere each its own transaction.
     */
    @Test
    void aLockedReadOnlyRequestAddsOneStatementToTakeTheLockAndOneToReleaseIt() throws Exception {
        SessionRuntime runtime = SessionRuntime.create(SettingsSource.of(Map.of(SessionSettings.TYPE, "sqlalchemy",
                JpaSettings.URL, CountingDriver.counting(database().url()), JpaSettings.TABLE, "locked_sessions",
                "SESSION_LOCKING", "true")), getClass().getClassLoader(), Clock.systemUTC());
        runtimes.add(runtime);
        RequestSession warmUp = runtime.open(null);
        warmUp.put("cart", "1 item");
        String id = warmUp.save().id();
        warmUp.releaseLocks();
        CountingDriver.takeExecuted();

        RequestSession reader = runtime.open(id);
        assertEquals("1 item", reader.get("cart"));
        reader.save();
        reader.releaseLocks();
        List<String> read = CountingDriver.takeExecuted();

        System.out.printf("[%s] locked read-only request: %s%n", getClass().getSimpleName(), read);
        if (SqlDialect.ofUrl(database().url()).orElseThrow() == SqlDialect.POSTGRESQL) {
            assertEquals(List.of("INSERT", "SELECT", "DELETE"), verbs(read), "lock, load, unlock: no COMMIT of their own");
        } else {
            assertEquals(List.of("INSERT", "COMMIT", "SELECT", "DELETE", "COMMIT"), verbs(read));
        }
    }

    /**
     * Two backends (two servers) on one database, threads of both taking, holding for a
     * millisecond and releasing one session's lock for two seconds: a taker never finds another
     * holder inside, and no release is refused to its holder.
     */
    @Test
    void twoServersRacingForOneLockNeverBothHoldIt() throws Exception {
        Map<String, String> keys = Map.of(JpaSettings.URL, database().url(), JpaSettings.TABLE, "raced_sessions");
        Path marks = Files.createTempDirectory("lease-race");
        try {
            LeaseRace.Result result = LeaseRace.run(List.of(mine(keys), mine(keys)), IDS.generate(), 3, Duration.ofSeconds(2),
                    marks.resolve("inside"));

            assertEquals(0, result.overlaps(), "takes: " + result.takes());
            assertEquals(0, result.failedReleases());
            assertTrue(result.takes() > 50, "the race took the lock " + result.takes() + " times");
        } finally {
            Files.deleteIfExists(marks.resolve("inside"));
            Files.delete(marks);
        }
    }

    /** What the owner index ({@code UserSessions}) adds: statements at login and logout, none in between. */
    @Test
    void theOwnerIndexCostsStatementsAtLoginAndLogoutOnly() throws Exception {
        SessionRuntime runtime = SessionRuntime.create(SettingsSource.of(Map.of(SessionSettings.TYPE, "sqlalchemy",
                JpaSettings.URL, CountingDriver.counting(database().url()), JpaSettings.TABLE, "owned_sessions")),
                getClass().getClassLoader(), Clock.systemUTC());
        runtimes.add(runtime);
        RequestSession warmUp = runtime.open(null);
        warmUp.put("warm", "up");
        warmUp.save();
        CountingDriver.takeExecuted();

        RequestSession login = runtime.open(warmUp.id());
        login.logIn(new dev.serversessions.internal.session.Caller("alice", Set.of("user")));
        String id = login.save().id();
        List<String> atLogin = CountingDriver.takeExecuted();
        RequestSession reader = runtime.open(id);
        reader.get("warm");
        reader.save();
        List<String> read = CountingDriver.takeExecuted();
        RequestSession writer = runtime.open(id);
        writer.put("cart", "2 items");
        writer.save();
        List<String> written = CountingDriver.takeExecuted();
        RequestSession logout = runtime.open(id);
        logout.logOut();
        logout.save();
        List<String> atLogout = CountingDriver.takeExecuted();

        System.out.printf("[%s] owner index: login %s%n  logged-in read %s%n  logged-in write %s%n  logout %s%n",
                getClass().getSimpleName(), verbs(atLogin), verbs(read), verbs(written), verbs(atLogout));
        // the session's own statements are those of aRequestCostsAtMostFiveStatements
        List<String> save = SqlDialect.ofUrl(database().url()).orElseThrow() == SqlDialect.POSTGRESQL
                ? List.of("WITH") : List.of("UPDATE", "DELETE", "INSERT", "COMMIT");
        List<String> expectedLogin = new java.util.ArrayList<>(List.of("SELECT", "UPDATE", "COMMIT"));
        expectedLogin.addAll(save);
        expectedLogin.addAll(List.of("DELETE", "INSERT", "COMMIT"));
        assertEquals(expectedLogin, verbs(atLogin), "load, rename, save; then the owner row: one transaction");
        assertEquals(List.of("SELECT"), verbs(read), "a logged-in read costs what any read costs");
        List<String> write = new java.util.ArrayList<>(List.of("SELECT"));
        write.addAll(save);
        assertEquals(write, verbs(written), "a logged-in write costs what any write costs");
        assertEquals(List.of("SELECT", "DELETE", "COMMIT", "DELETE", "COMMIT"), verbs(atLogout),
                "the load, the session's delete (a logout ends it), then the owner row's (gone with the session by then)");
    }

    /**
     * Rows the library would never write, in tables made by hand without NOT NULL (docs/jpa.md
     * lets a DBA create them): a null creation time, an attribute row with a null value or name.
     * Each is malformed, never a NullPointerException; nothing but a slid expiry is written.
     * A null expiry matches no query: that row is no session, like an expired one.
     */
    @Test
    void rowsWithNullTimesOrValuesAreMalformedAndLeftAlone() throws Exception {
        String bytesType = switch (SqlDialect.ofUrl(database().url()).orElseThrow()) {
            case POSTGRESQL -> "BYTEA";
            case MARIADB -> "LONGBLOB";
            default -> "VARBINARY(1000)";
        };
        database().execute(
                "CREATE TABLE hand_sessions (id BIGINT PRIMARY KEY, session_id VARCHAR(512) NOT NULL UNIQUE,"
                        + " created_millis BIGINT, expires_millis BIGINT)",
                "CREATE TABLE hand_sessions_attributes (session_ref BIGINT NOT NULL, attribute_hash CHAR(64) NOT NULL,"
                        + " attribute_name VARCHAR(200), attribute_value " + bytesType + ", PRIMARY KEY (session_ref, attribute_hash))");
        SessionBackend backend = mine(Map.of(JpaSettings.URL, database().url(), JpaSettings.TABLE, "hand_sessions"));
        long now = System.currentTimeMillis();
        long future = now + 600_000;
        String nullCreated = IDS.generate();
        String nullValue = IDS.generate();
        String nullName = IDS.generate();
        String nullExpiry = IDS.generate();
        try (java.sql.Connection connection = database().connect()) {
            insertSession(connection, 1, nullCreated, null, future);
            insertSession(connection, 2, nullValue, now, future);
            insertAttribute(connection, 2, "user", null);
            insertSession(connection, 3, nullName, now, future);
            insertAttribute(connection, 3, null, bytes("1"));
            insertSession(connection, 4, nullExpiry, now, null);
        }

        for (String id : List.of(nullCreated, nullValue, nullName)) {
            assertThrows(MalformedSessionException.class, () -> backend.load(id));
        }
        assertEquals(java.util.Optional.empty(), backend.load(nullExpiry));
        assertEquals(java.util.Optional.empty(), backend.load(nullExpiry));
        assertEquals(1, database().count("SELECT COUNT(*) FROM hand_sessions WHERE created_millis IS NULL"));
        assertEquals(2, database().count("SELECT COUNT(*) FROM hand_sessions_attributes"));
        assertEquals(1, database().count("SELECT COUNT(*) FROM hand_sessions WHERE expires_millis IS NULL"));
    }

    private static void insertSession(java.sql.Connection connection, long ref, String id, Long created, Long expires)
            throws java.sql.SQLException {
        try (java.sql.PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO hand_sessions (id, session_id, created_millis, expires_millis) VALUES (?, ?, ?, ?)")) {
            insert.setLong(1, ref);
            insert.setString(2, "session:" + id);
            insert.setObject(3, created, java.sql.Types.BIGINT);
            insert.setObject(4, expires, java.sql.Types.BIGINT);
            insert.executeUpdate();
        }
    }

    private static void insertAttribute(java.sql.Connection connection, long ref, String name, byte[] value)
            throws java.sql.SQLException {
        try (java.sql.PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO hand_sessions_attributes (session_ref, attribute_hash, attribute_name, attribute_value) VALUES (?, ?, ?, ?)")) {
            insert.setLong(1, ref);
            insert.setString(2, JpaSessionBackend.hash(String.valueOf(name)));
            insert.setString(3, name);
            if (value == null) {
                insert.setNull(4, java.sql.Types.VARBINARY);
            } else {
                insert.setBytes(4, value);
            }
            insert.executeUpdate();
        }
    }

    private static List<String> verbs(List<String> executed) {
        return executed.stream().map(s -> s.trim().split("\\s+", 2)[0].toUpperCase(java.util.Locale.ROOT)).toList();
    }
}
