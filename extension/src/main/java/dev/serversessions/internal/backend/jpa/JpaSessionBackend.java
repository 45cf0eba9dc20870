package dev.serversessions.internal.backend.jpa;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.MalformedSessionException;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionOwnerIndex;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.backend.SessionKeys;
import dev.serversessions.internal.backend.jpa.SessionDatabase.DuplicateKeyException;
import dev.serversessions.internal.backend.jpa.SessionDatabase.Statements;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sessions in two SQL tables: one row per session, one row per attribute (see
 * {@link SessionTables}). A change set touches only the rows of the attributes it changes, so
 * two requests changing different attributes both survive without any retry; the UPDATE of the
 * session row that starts every write locks that row, which serializes the writers of one
 * session for the two statements that follow, and tells a vanished session (no row updated)
 * from a live one.
 *
 * <p>Statements per call: load 1 (a SELECT outside any transaction), apply 1 to 3, touch,
 * changeId, delete and purge 1 each; writes add the commit. On PostgreSQL a change that removes
 * no attribute is one statement that commits by itself ({@link SessionTables#updateAndUpsert}).
 */
final class JpaSessionBackend implements SessionBackend {
    private static final int CREATE_ATTEMPTS = 3;

    private final SessionDatabase database;
    private final String keyPrefix;
    private final Clock clock;
    /** Whether expired sessions stay until {@link #claimExpired} takes them. */
    private volatile boolean keepExpired;
    /** Keys per query of {@link #loadAll}: well within every database's limit of parameters. */
    private static final int LOAD_ALL_BATCH = 500;

    JpaSessionBackend(SessionDatabase database, String keyPrefix, Clock clock) {
        this.database = database;
        this.keyPrefix = keyPrefix;
        this.clock = clock;
    }

    @Override
    public Optional<StoredSession> load(String id) {
        String key = keyPrefix + id;
        long now = clock.millis();
        // one SELECT outside any transaction: nothing to commit
        List<Object[]> rows = database.read(sql -> sql.rows(sql.tables().load(), key, now));
        return rows.isEmpty() ? Optional.empty() : Optional.of(session(rows));
    }

    /** A session from its rows of {@link SessionTables#load}: created, expires, then one attribute (or nulls) each. */
    private static StoredSession session(List<Object[]> rows) {
        Map<String, byte[]> attributes = new HashMap<>();
        for (Object[] row : rows) {
            if (row[2] == null && row[3] == null) {
                continue; // the LEFT JOIN's row of a session without attributes
            }
            if (!(row[2] instanceof String name) || !(row[3] instanceof byte[] value)) {
                throw new MalformedSessionException("an attribute row has a " + (row[2] instanceof String ? "value" : "name")
                        + " that is null or of another type");
            }
            attributes.put(name, value);
        }
        Object[] first = rows.get(0);
        return new StoredSession(attributes, millis(first[0], "created_millis"), millis(first[1], "expires_millis"));
    }

    /**
     * The sessions of {@code ids}, {@link SessionTables#loadAll} of up to {@link #LOAD_ALL_BATCH} at
     * a time: a user's list of ten thousand sessions in a few queries instead of ten thousand.
     */
    @Override
    public Map<String, StoredSession> loadAll(java.util.Collection<String> ids) {
        Map<String, StoredSession> found = new java.util.LinkedHashMap<>();
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += LOAD_ALL_BATCH) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + LOAD_ALL_BATCH));
            Object[] parameters = new Object[batch.size() + 1];
            for (int i = 0; i < batch.size(); i++) {
                parameters[i] = keyPrefix + batch.get(i);
            }
            parameters[batch.size()] = clock.millis();
            List<Object[]> rows = database.read(sql -> sql.rows(sql.tables().loadAll(batch.size()), parameters));
            Map<String, List<Object[]>> byKey = new HashMap<>();
            for (Object[] row : rows) {
                byKey.computeIfAbsent(String.valueOf(row[0]), k -> new java.util.ArrayList<>()).add(java.util.Arrays.copyOfRange(row, 1, row.length));
            }
            for (String id : batch) {
                List<Object[]> mine = byKey.get(keyPrefix + id);
                if (mine != null) {
                    try {
                        found.put(id, session(mine));
                    } catch (MalformedSessionException e) {
                        // absent, as for load
                    }
                }
            }
        }
        return found;
    }

    /**
     * A time column as the library writes it. Rows written by hand or by another program (the
     * tables need not be ours: docs/jpa.md) may hold a null: that row is no session of ours, and
     * is left as it is. A null expiry never gets this far: no query matches it.
     */
    private static Instant millis(Object column, String name) {
        if (!(column instanceof Number number)) {
            throw new MalformedSessionException("the session row's " + name + " is "
                    + (column == null ? "null" : "a " + column.getClass().getSimpleName()));
        }
        return Instant.ofEpochMilli(number.longValue());
    }

    @Override
    public boolean apply(String id, ChangeSet changes) {
        String key = keyPrefix + id;
        if (!changes.isNew()) {
            SessionTables tables = database.startedTables();
            // with removals the transaction below: a DELETE in the same statement would not see
            // an attribute row another request added after the statement's snapshot was taken
            Optional<String> oneStatement = tables != null && changes.removed().isEmpty()
                    ? tables.updateAndUpsert(changes.put().size()) : Optional.empty();
            if (oneStatement.isPresent()) {
                return database.autoCommitted(sql -> updateAndUpsert(sql, oneStatement.get(), key, changes, clock.millis()));
            }
            return database.write(sql -> merge(sql, key, changes, clock.millis()));
        }
        for (int attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
            try {
                return database.write(sql -> insert(sql, key, changes));
            } catch (DuplicateKeyException e) {
                // Another first write of this session won the race (its attributes must survive
                // too), or an expired session left the id behind (it must not come back).
                long now = clock.millis();
                boolean merged = database.write(sql -> {
                    if (merge(sql, key, changes, now)) {
                        return true;
                    }
                    sql.update(sql.tables().deleteIfExpired(), key, now);
                    return false;
                });
                if (merged) {
                    return true;
                }
            }
        }
        throw new SessionStoreUnavailableException(describe(),
                new IllegalStateException("session could not be created in " + CREATE_ATTEMPTS + " attempts"));
    }

    private boolean insert(Statements sql, String key, ChangeSet changes) {
        sql.update(sql.tables().insertSession(), key, changes.created().toEpochMilli(), changes.expires().toEpochMilli());
        insertAttributes(sql, key, changes.put());
        return true;
    }

    private static boolean updateAndUpsert(Statements sql, String statement, String key, ChangeSet changes, long now) {
        List<Object> parameters = new ArrayList<>(3 + 3 * changes.put().size());
        parameters.add(changes.expires().toEpochMilli());
        parameters.add(key);
        parameters.add(now);
        changes.put().forEach((name, value) -> {
            parameters.add(hash(name));
            parameters.add(name);
            parameters.add(value);
        });
        List<Object[]> changed = sql.rows(statement, parameters.toArray());
        return ((Number) changed.get(0)[0]).intValue() == 1;
    }

    /** Applies the changes to a live session; false, with nothing written, if there is none. */
    private boolean merge(Statements sql, String key, ChangeSet changes, long now) {
        if (sql.update(sql.tables().touch(), changes.expires().toEpochMilli(), key, now) == 0) {
            return false;
        }
        Set<String> names = new LinkedHashSet<>(changes.put().keySet());
        names.addAll(changes.removed());
        if (!names.isEmpty()) {
            List<Object> parameters = new ArrayList<>();
            parameters.add(key);
            names.forEach(name -> parameters.add(hash(name)));
            sql.update(sql.tables().deleteAttributes(names.size()), parameters.toArray());
        }
        insertAttributes(sql, key, changes.put());
        return true;
    }

    private static void insertAttributes(Statements sql, String key, Map<String, byte[]> put) {
        if (put.isEmpty()) {
            return;
        }
        List<Object> parameters = new ArrayList<>(put.size() * 4);
        put.forEach((name, value) -> {
            parameters.add(key);
            parameters.add(hash(name));
            parameters.add(name);
            parameters.add(value);
        });
        sql.update(sql.tables().insertAttributes(put.size()), parameters.toArray());
    }

    /**
     * A row in the locks table ({@link SessionTables#insertLock}), never held across the
     * request. On PostgreSQL taking and releasing it are each one statement that commits by
     * itself without waiting for the WAL flush ({@link SessionTables#ASYNC_COMMIT}): no commit
     * round trip, no disk sync. Elsewhere each statement is a transaction of its own that commits
     * at once (JPA runs no update outside one): one INSERT when the lock is free; where it is
     * held, one UPDATE more that takes it only if its lease ran out. The lease is reckoned by the
     * database's clock, so servers whose clocks disagree still agree on when it runs out.
     */
    @Override
    public boolean tryLock(String id, String token, java.time.Duration lease) {
        String key = keyPrefix + id;
        long leaseMillis = lease.toMillis();
        if (database.tables().dialect() == SqlDialect.POSTGRESQL) {
            return !database.autoCommitted(sql -> sql.rows(sql.tables().insertLock(),
                    withNow(sql.tables(), key, token, NOW, leaseMillis, NOW, token))).isEmpty();
        }
        try {
            if (database.write(sql -> sql.update(sql.tables().insertLock(), withNow(sql.tables(), key, token, NOW, leaseMillis))) > 0) {
                return true;
            }
        } catch (DuplicateKeyException e) {
            // held: taken below if its lease ran out
        }
        return database.write(sql -> sql.update(sql.tables().takeLock(), withNow(sql.tables(), token, NOW, leaseMillis, key, NOW, token))) == 1;
    }

    /** Stands for "now" among a lock statement's parameters ({@link #withNow}). */
    private static final Object NOW = new Object();

    /**
     * A lock statement's parameters: {@link #NOW} is left out where the statement reads the
     * database's clock itself, and is this server's clock where the database has no clock
     * expression ({@link SqlDialect#nowMillis()}).
     */
    private Object[] withNow(SessionTables tables, Object... parameters) {
        boolean databaseClock = !tables.dialect().nowMillis().equals("?");
        long now = clock.millis();
        return java.util.Arrays.stream(parameters).filter(p -> p != NOW || !databaseClock).map(p -> p == NOW ? (Object) now : p).toArray();
    }

    @Override
    public boolean unlock(String id, String token) {
        String key = keyPrefix + id;
        if (database.tables().dialect() == SqlDialect.POSTGRESQL) {
            return !database.autoCommitted(sql -> sql.rows(sql.tables().deleteLock(), key, token)).isEmpty();
        }
        return database.write(sql -> sql.update(sql.tables().deleteLock(), key, token)) == 1;
    }

    @Override
    public void delete(String id) {
        String key = keyPrefix + id;
        database.write(sql -> sql.update(sql.tables().delete(), key));
    }

    @Override
    public boolean touch(String id, Instant expires) {
        String key = keyPrefix + id;
        return database.write(sql -> sql.update(sql.tables().touch(), expires.toEpochMilli(), key, clock.millis()) == 1);
    }

    @Override
    public boolean changeId(String oldId, String newId) {
        String oldKey = keyPrefix + oldId;
        String newKey = keyPrefix + newId;
        return database.write(sql -> sql.update(sql.tables().changeId(), newKey, oldKey, clock.millis()) == 1);
    }

    @Override
    public int purgeExpired() {
        long now = clock.millis();
        return database.write(sql -> {
            sql.update(sql.tables().purgeLocks(), withNow(sql.tables(), NOW));
            return keepExpired ? 0 : sql.update(sql.tables().purge(), now);
        });
    }

    /** Nothing here expires by itself: a session stays until claimed, whatever the grace. */
    @Override
    public boolean keepExpiredForClaims(java.time.Duration grace) {
        keepExpired = true;
        return true;
    }

    /**
     * One transaction: the expired rows of this key prefix, their attributes, then a DELETE of
     * each that only the first transaction to get the row's lock can make; a session whose
     * DELETE changed no row was claimed by another server and is left out. Each expired row
     * costs its own DELETE, so this runs on the sweep, never on a request.
     */
    @Override
    public Map<String, StoredSession> claimExpired(int max) {
        long now = clock.millis();
        return database.write(sql -> {
            List<Object[]> expired = sql.rows(sql.tables().expired(max), now, SessionTables.likePrefix(keyPrefix));
            if (expired.isEmpty()) {
                return Map.of();
            }
            Map<Long, Map<String, byte[]>> attributes = new HashMap<>();
            Object[] refs = expired.stream().map(row -> ((Number) row[0]).longValue()).toArray();
            for (Object[] row : sql.rows(sql.tables().attributesOf(refs.length), refs)) {
                if (row[1] instanceof String name && row[2] instanceof byte[] value) {
                    attributes.computeIfAbsent(((Number) row[0]).longValue(), k -> new HashMap<>()).put(name, value);
                }
            }
            Map<String, StoredSession> claimed = new LinkedHashMap<>();
            for (Object[] row : expired) {
                long ref = ((Number) row[0]).longValue();
                String id = row[1] instanceof String key ? SessionKeys.idOf(key, keyPrefix) : null;
                if (id == null) {
                    continue; // a longer prefix's session: another application's
                }
                if (sql.update(sql.tables().claim(), ref, now) == 1 && row[2] instanceof Number && row[3] instanceof Number) {
                    claimed.put(id, new StoredSession(attributes.getOrDefault(ref, Map.of()),
                            millis(row[2], "created_millis"), millis(row[3], "expires_millis")));
                }
            }
            return claimed;
        });
    }

    @Override
    public boolean expiresEntriesItself() {
        return false;
    }

    /** The owners table ({@link SessionTables}): one row per owned session, gone with it. */
    @Override
    public Optional<SessionOwnerIndex> ownerIndex() {
        return Optional.of(new SessionOwnerIndex() {
            @Override
            public void add(String owner, String id, Instant until) {
                String key = keyPrefix + id;
                database.write(sql -> {
                    sql.update(sql.tables().deleteOwner(), key);
                    return sql.update(sql.tables().insertOwner(), hash(owner), owner, key, clock.millis());
                });
            }

            @Override
            public void remove(String owner, String id) {
                String key = keyPrefix + id;
                database.write(sql -> sql.update(sql.tables().deleteOwnerIf(), key, hash(owner)));
            }

            @Override
            public Set<String> ids(String owner) {
                Set<String> ids = new LinkedHashSet<>();
                for (Object[] row : database.read(sql -> sql.rows(sql.tables().ownedKeys(), hash(owner), clock.millis()))) {
                    if (row[0] instanceof String key && key.startsWith(keyPrefix)) {
                        ids.add(key.substring(keyPrefix.length()));
                    }
                }
                return ids;
            }
        });
    }

    @Override
    public String describe() {
        return database.describe();
    }

    @Override
    public void close() {
        database.close();
    }

    /** The attribute's key column: SHA-256 of the name, in hex. */
    static String hash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
