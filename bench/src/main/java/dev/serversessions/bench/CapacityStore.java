package dev.serversessions.bench;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.internal.backend.BackendContext;
import dev.serversessions.internal.backend.BackendProvider;
import dev.serversessions.internal.backend.BackendProviders;
import dev.serversessions.internal.backend.ClientLookup;
import dev.serversessions.internal.config.ConfigValues;
import dev.serversessions.internal.config.SessionSettings;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.testsupport.MongoDbServer;
import dev.serversessions.testsupport.RedisServer;
import dev.serversessions.testsupport.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * One store of the capacity run: the store process (or database), the settings Payara and the
 * run's own backend share, and what the store says it holds (its own counters, never an estimate
 * of ours).
 */
abstract class CapacityStore implements AutoCloseable {
    final String name;
    /** The largest population this store is filled to, whatever the run asks for. */
    final int maxSessions;
    /** Whether the store has no expiry of its own, so that a purge removes expired sessions ({@link SessionBackend#purgeExpired}). */
    final boolean purges;
    private final AutoCloseable process;
    private final Map<String, String> env;

    private CapacityStore(String name, int maxSessions, boolean purges, AutoCloseable process, Map<String, String> env) {
        this.name = name;
        this.maxSessions = maxSessions;
        this.purges = purges;
        this.process = process;
        this.env = env;
    }

    static final List<String> NAMES = List.of("redis", "sqlalchemy", "mongodb", "filesystem");

    static CapacityStore start(String name) {
        switch (name) {
            case "redis" -> {
                // persistent like a production Redis, synced once a second
                RedisServer redis = RedisServer.start(PayaraMicro.workDir(), RedisServer.freePort(), "--appendfsync", "everysec");
                return new Redis(redis);
            }
            case "sqlalchemy" -> {
                TestDatabase postgres = TestDatabase.postgres();
                return new Sql(postgres);
            }
            case "mongodb" -> {
                MongoDbServer mongo = MongoDbServer.start();
                return new Mongo(mongo);
            }
            case "filesystem" -> {
                Path dir = PayaraMicro.workDir().resolve("capacity-files-" + System.nanoTime());
                // SESSION_FILE_THRESHOLD=0: no cap (the default keeps at most 500 sessions, as Flask-Session's cachelib)
                return new FileSystem(dir);
            }
            default -> throw new IllegalArgumentException("no capacity store " + name + "; one of " + NAMES);
        }
    }

    /** The settings of this store, for Payara and for the run's own backend alike. */
    Map<String, String> env() {
        return env;
    }

    /** A backend of this store built the way the extension builds it, from the same keys as the server's. */
    SessionBackend backend() {
        Map<String, String> keys = new HashMap<>(env);
        ConfigValues values = new ConfigValues(SettingsSource.of(keys));
        SessionSettings settings = SessionSettings.read(values);
        BackendProvider provider = BackendProviders.load(settings.type(), CapacityStore.class.getClassLoader(), values);
        provider.validate(values);
        values.throwIfInvalid();
        return provider.create(new BackendContext(settings, values, ClientLookup.NONE));
    }

    /**
     * Writes copies of the session stored under {@code templateKey} (the store's key: the key
     * prefix and a private id) under each of {@code keys}, all expiring at {@code expires}, or
     * returns false where the run's backend is to write them one by one ({@link SessionBackend#apply}).
     * The stores whose one-by-one writes would take most of an hour at a million (SQL, the
     * in-JVM MongoDB) copy in bulk what the backend wrote for the template, row for row.
     */
    boolean copy(String templateKey, List<String> keys, java.time.Instant expires) throws Exception {
        return false;
    }

    /**
     * Brings the store to its steady state after a fill, as time would (SQL: {@code VACUUM
     * ANALYZE}, which autovacuum would otherwise run in the middle of the measurement after a
     * million inserts, and a {@code CHECKPOINT}, which writes the fill's pages out before the
     * measurement instead of during it); what it did, or "".
     */
    String settle() throws Exception {
        return "";
    }

    /** What the store itself reports holding for {@code sessions} sessions: memory, table and index sizes, disk. */
    abstract String footprint(long sessions) throws Exception;

    /** What the store has counted so far (commands, transactions), by name; empty where it counts nothing we can read. */
    Map<String, Long> calls() throws Exception {
        return Map.of();
    }

    /**
     * What the store itself says about the requests between {@code before} and {@code after}
     * ({@link #calls}): Redis's own microseconds per call of the commands a request sends, SQL's
     * pages found in its buffers against pages it read; "" where it says nothing.
     */
    /** The machine's CPU accounts now: {@code serverPid}'s, and the store's processes' where they are not the server's or this JVM's. */
    CpuUse cpu(long serverPid) {
        return CpuUse.now(serverPid, command -> false, pid -> false);
    }

    static String storeSide(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder text = new StringBuilder();
        for (String command : List.of("hgetall", "evalsha")) {
            long calls = after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
            long usec = after.getOrDefault("usec " + command, 0L) - before.getOrDefault("usec " + command, 0L);
            if (calls > 0) {
                text.append(text.isEmpty() ? "" : ", ").append(String.format("%s %.1f µs/call", command, (double) usec / calls));
            }
        }
        long hit = after.getOrDefault("pages hit", 0L) - before.getOrDefault("pages hit", 0L);
        long read = after.getOrDefault("pages read", 0L) - before.getOrDefault("pages read", 0L);
        if (hit + read > 0) {
            text.append(String.format("%,d pages hit, %,d read (%.1f%% hit)", hit, read, 100.0 * hit / (hit + read)));
        }
        long vacuums = after.getOrDefault("autovacuum runs", 0L) - before.getOrDefault("autovacuum runs", 0L);
        if (vacuums > 0) {
            text.append(String.format("; autovacuum/autoanalyze ran %d times", vacuums));
        }
        return text.toString();
    }

    /** Starts the store's own record of its stalls over the next windows, where it keeps one (Redis's latency monitor). */
    void resetStalls() {
    }

    /** The stalls the store recorded since {@link #resetStalls}: "" where it keeps no record, or none happened. */
    String stalls() {
        return "";
    }

    /** The counts that grew from {@code before} to {@code after}, as text. */
    static String difference(Map<String, Long> before, Map<String, Long> after) {
        if (after.isEmpty()) {
            return "not counted";
        }
        StringBuilder text = new StringBuilder();
        new java.util.TreeMap<>(after).forEach((name, count) -> {
            long grew = count - before.getOrDefault(name, 0L);
            if (grew > 0) {
                text.append(text.isEmpty() ? "" : ", ").append(name).append(' ').append(String.format("%,d", grew));
            }
        });
        return text.isEmpty() ? "none" : text.toString();
    }

    /** Bytes per session as text. */
    static String perSession(long bytes, long sessions) {
        return String.format("%,d B total, %,d B per session", bytes, sessions == 0 ? 0 : bytes / sessions);
    }

    @Override
    public void close() throws Exception {
        process.close();
    }

    private static final class Redis extends CapacityStore {
        private final RedisServer redis;

        Redis(RedisServer redis) {
            super("redis", Integer.MAX_VALUE, false, redis,
                    Map.of("SESSION_TYPE", "redis", "SESSION_REDIS", "redis://127.0.0.1:" + redis.port()));
            this.redis = redis;
        }

        @Override
        CpuUse cpu(long serverPid) {
            return CpuUse.now(serverPid, command -> false, pid -> pid == redis.pid());
        }

        @Override
        String footprint(long sessions) {
            try (Jedis admin = redis.admin()) {
                long used = Long.parseLong(info(admin.info("memory"), "used_memory"));
                return "used_memory " + perSession(used, sessions) + "; keys " + admin.dbSize();
            }
        }

        @Override
        Map<String, Long> calls() {
            Map<String, Long> calls = new HashMap<>();
            try (Jedis admin = redis.admin()) {
                // cmdstat_get:calls=12,usec=...
                admin.info("commandstats").lines().filter(l -> l.startsWith("cmdstat_")).forEach(l -> {
                    String command = l.substring("cmdstat_".length(), l.indexOf(':'));
                    calls.put(command, Long.parseLong(l.substring(l.indexOf("calls=") + 6, l.indexOf(',', l.indexOf("calls=")))));
                    // Redis's own time in the command, for what the store itself spends per call
                    calls.put("usec " + command, Long.parseLong(l.substring(l.indexOf("usec=") + 5, l.indexOf(',', l.indexOf("usec=")))));
                });
            }
            calls.remove("info");
            calls.remove("usec info");
            return calls;
        }

        @Override
        void resetStalls() {
            try (Jedis admin = redis.admin()) {
                admin.configSet("latency-monitor-threshold", "1"); // every event of 1 ms or more
                admin.latencyReset();
            }
        }

        @Override
        String stalls() {
            try (Jedis admin = redis.admin()) {
                StringBuilder text = new StringBuilder();
                admin.latencyLatest().forEach((event, info) -> text.append(text.isEmpty() ? "" : ", ")
                        .append(event).append(" max ").append(info.getMaxEventLatency()).append(" ms"));
                return text.isEmpty() ? "Redis recorded no stall of 1 ms or more" : "Redis's stalls: " + text;
            }
        }

        private static String info(String info, String field) {
            return info.lines().filter(l -> l.startsWith(field + ":")).findFirst().orElseThrow().substring(field.length() + 1).trim();
        }
    }

    private static final class Sql extends CapacityStore {
        private final TestDatabase database;

        Sql(TestDatabase database) {
            super("sqlalchemy", Integer.MAX_VALUE, true, database,
                    Map.of("SESSION_TYPE", "sqlalchemy", "SESSION_SQLALCHEMY", database.url()));
            this.database = database;
        }

        /** PostgreSQL's processes (every backend and its background workers; the machine's one server). */
        @Override
        CpuUse cpu(long serverPid) {
            return CpuUse.now(serverPid, "postgres"::equals, pid -> false);
        }

        @Override
        boolean copy(String templateKey, List<String> keys, java.time.Instant expires) throws Exception {
            try (Connection c = database.dataSource().getConnection();
                 java.sql.PreparedStatement insert = c.prepareStatement("WITH s AS (INSERT INTO sessions (session_id, created_millis, "
                         + "expires_millis) SELECT k, ?, ? FROM unnest(?::varchar[]) AS k RETURNING id) "
                         + "INSERT INTO sessions_attributes (session_ref, attribute_hash, attribute_name, attribute_value) "
                         + "SELECT s.id, a.attribute_hash, a.attribute_name, a.attribute_value FROM s, (SELECT attribute_hash, "
                         + "attribute_name, attribute_value FROM sessions_attributes WHERE session_ref = "
                         + "(SELECT id FROM sessions WHERE session_id = ?)) a")) {
                insert.setLong(1, System.currentTimeMillis());
                insert.setLong(2, expires.toEpochMilli());
                insert.setArray(3, c.createArrayOf("varchar", keys.toArray()));
                insert.setString(4, templateKey);
                if (insert.executeUpdate() == 0) {
                    throw new IllegalStateException("no attribute rows of the template " + templateKey + " to copy");
                }
            }
            return true;
        }

        @Override
        String settle() throws Exception {
            long started = System.nanoTime();
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE");
                // the fill wrote as much as a million sessions' worth of WAL in a minute or two: without this, the
                // checkpoint it sets off writes it out during the measurement (seen: read p99 of 145-243 ms in run 2)
                s.execute("CHECKPOINT");
            }
            return String.format("VACUUM ANALYZE and CHECKPOINT took %.1f s", (System.nanoTime() - started) / 1e9);
        }

        @Override
        Map<String, Long> calls() throws Exception {
            Thread.sleep(1500); // PostgreSQL publishes a backend's counts after its transaction, at most once a second
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT xact_commit + xact_rollback, tup_returned, tup_inserted, tup_updated, tup_deleted, "
                         + "blks_hit, blks_read FROM pg_stat_database WHERE datname = current_database()")) {
                r.next();
                Map<String, Long> calls = new HashMap<>(Map.of("transactions", r.getLong(1), "rows read", r.getLong(2),
                        "rows inserted", r.getLong(3), "rows updated", r.getLong(4), "rows deleted", r.getLong(5),
                        // pages found in PostgreSQL's shared buffers, and pages it had to read (from the OS's cache or the disk)
                        "pages hit", r.getLong(6), "pages read", r.getLong(7)));
                try (ResultSet v = s.executeQuery("SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_user_tables")) {
                    v.next();
                    calls.put("autovacuum runs", v.getLong(1));
                }
                return calls;
            }
        }

        @Override
        String footprint(long sessions) throws Exception {
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
                StringBuilder tables = new StringBuilder();
                long total = 0;
                try (ResultSet r = s.executeQuery("SELECT relname, pg_total_relation_size(oid), pg_indexes_size(oid) FROM pg_class "
                        + "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 2 DESC")) {
                    while (r.next()) {
                        total += r.getLong(2);
                        if (r.getLong(2) > 65536) {
                            tables.append("; ").append(r.getString(1)).append(' ').append(perSession(r.getLong(2), sessions))
                                    .append(String.format(" (indexes %,d B)", r.getLong(3)));
                        }
                    }
                }
                return "all tables with indexes and TOAST " + perSession(total, sessions) + tables;
            }
        }
    }

    private static final class Mongo extends CapacityStore {
        private final com.mongodb.client.MongoClient client;

        Mongo(MongoDbServer mongo) {
            // mongo-java-server answers each lookup by scanning every document (jstack: its DefaultQueryMatcher under
            // AbstractSynchronizedMongoCollection.handleQuery), so beyond this its curve is the test server's, not MongoDB's
            super("mongodb", 20_000, false, mongo, Map.of("SESSION_TYPE", "mongodb", "SESSION_MONGODB", mongo.connectionString()));
            this.client = com.mongodb.client.MongoClients.create(mongo.connectionString());
        }

        @Override
        boolean copy(String templateKey, List<String> keys, java.time.Instant expires) {
            var sessions = client.getDatabase("flask_session").getCollection("sessions");
            org.bson.Document template = sessions.find(com.mongodb.client.model.Filters.eq("_id", templateKey)).first();
            if (template == null) {
                throw new IllegalStateException("no template document " + templateKey);
            }
            List<org.bson.Document> copies = new java.util.ArrayList<>(keys.size());
            for (String key : keys) {
                org.bson.Document copy = new org.bson.Document(template);
                copy.put("_id", key);
                copies.add(copy);
            }
            sessions.insertMany(copies);
            return true;
        }

        @Override
        String footprint(long sessions) {
            return "in-JVM mongo-java-server (the run's own JVM): no MongoDB footprint to report";
        }

        @Override
        public void close() throws Exception {
            client.close();
            super.close();
        }
    }

    private static final class FileSystem extends CapacityStore {
        private final Path dir;

        FileSystem(Path dir) {
            super("filesystem", 100_000, true, () -> { }, Map.of("SESSION_TYPE", "filesystem", "SESSION_FILE_DIR", dir.toString(),
                    "SESSION_FILE_THRESHOLD", "0"));
            this.dir = dir;
        }

        @Override
        String footprint(long sessions) throws IOException, InterruptedException {
            return "files " + perSession(du("-sb"), sessions) + "; on disk (allocated) " + perSession(du("-sB1"), sessions);
        }

        private long du(String flag) throws IOException, InterruptedException {
            Process du = new ProcessBuilder("du", flag, dir.toString()).redirectErrorStream(true).start();
            String out = new String(du.getInputStream().readAllBytes()).trim();
            du.waitFor(60, TimeUnit.SECONDS);
            return Long.parseLong(out.split("\\s+")[0]);
        }

        @Override
        public void close() throws IOException {
            try (var walk = java.nio.file.Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
