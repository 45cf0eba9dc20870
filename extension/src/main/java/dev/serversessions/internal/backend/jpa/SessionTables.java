package dev.serversessions.internal.backend.jpa;

import java.util.Collections;
import java.util.Optional;

/**
 * The two tables and every statement the backend runs on them.
 *
 * <pre>
 * sessions            (id, session_id UNIQUE, created_millis, expires_millis)
 * sessions_attributes (session_ref -&gt; sessions.id ON DELETE CASCADE, attribute_hash,
 *                      attribute_name, attribute_value; PRIMARY KEY (session_ref, attribute_hash))
 * sessions_owners     (session_ref PRIMARY KEY -&gt; sessions.id ON DELETE CASCADE, owner_hash
 *                      INDEXED, owner_name)
 * sessions_locks      (session_id PRIMARY KEY, lock_token, until_millis)
 * </pre>
 *
 * <p>A session's lock ({@code SESSION_LOCKING}) is a row of its own, keyed by the session's
 * key and not tied to the session row: it can be taken for an id the store does not know and
 * survives a rename, and a lock table that is never used costs nothing. Each take and release
 * is one statement in a transaction that commits at once: none stays open across a request.
 *
 * <p>The owner of a session ({@code UserSessions}) has a table of its own rather than a column
 * of {@code sessions}: a database that already holds the two tables of an earlier version gets
 * the third created beside them at start-up, as missing tables always were, and no existing
 * table is ever altered. Its rows go with their session (ON DELETE CASCADE), so the index never
 * outlives the sessions it names.
 *
 * <p>Times are milliseconds since 1970 UTC, so that no JDBC driver or server time zone ever
 * shifts an expiry. Attributes are keyed by the SHA-256 of their name: names of any length and
 * any characters then compare exactly, even under MariaDB's case-insensitive collations.
 * Statements that write attributes find the session's key with a subquery on its unique id
 * instead of a separate round trip.
 */
record SessionTables(Optional<String> schema, String table, Optional<String> sequenceName, SqlDialect dialect) {

    SessionTables(JpaSettings settings, SqlDialect dialect) {
        this(settings.schema(), settings.table(), settings.sequence(), dialect);
    }

    String qualify(String name) {
        return schema.map(s -> s + "." + name).orElse(name);
    }

    String sessions() {
        return qualify(table);
    }

    String attributes() {
        return qualify(table + "_attributes");
    }

    Optional<String> sequence() {
        return sequenceName.map(this::qualify);
    }

    String owners() {
        return qualify(table + "_owners");
    }

    String locks() {
        return qualify(table + "_locks");
    }

    String ownerIndex() {
        return table + "_owner_idx";
    }

    String sessionIdIndex() {
        return table + "_session_id_key";
    }

    String expiryIndex() {
        return table + "_expires_idx";
    }

    /** Succeeds, returning no row, exactly when both tables exist. */
    String probe() {
        return "SELECT COUNT(*) FROM " + sessions() + " s, " + attributes() + " a, " + owners() + " o, " + locks() + " l WHERE 1 = 0";
    }

    /**
     * One row per attribute (a single row of nulls for a session without attributes), none for
     * an unknown or expired session. Parameters: key, now.
     */
    String load() {
        return "SELECT s.created_millis, s.expires_millis, a.attribute_name, a.attribute_value FROM " + sessions() + " s"
                + " LEFT JOIN " + attributes() + " a ON a.session_ref = s.id"
                + " WHERE s.session_id = ? AND s.expires_millis > ?";
    }

    /** {@link #load} of {@code count} sessions at once, each row led by its key. Parameters: the keys, now. */
    String loadAll(int count) {
        return "SELECT s.session_id, s.created_millis, s.expires_millis, a.attribute_name, a.attribute_value FROM " + sessions() + " s"
                + " LEFT JOIN " + attributes() + " a ON a.session_ref = s.id"
                + " WHERE s.session_id IN (" + String.join(", ", Collections.nCopies(count, "?")) + ") AND s.expires_millis > ?";
    }

    /**
     * Moves the expiry of a live session; in a transaction it also locks the row, which
     * serializes the writers of one session. Parameters: new expiry, key, now.
     */
    String touch() {
        return "UPDATE " + sessions() + " SET expires_millis = ? WHERE session_id = ? AND expires_millis > ?";
    }

    /**
     * PostgreSQL: a change of a live session that removes nothing, as one statement that
     * commits by itself. Its UPDATE locks the session row and is the live check (no row: the
     * INSERT has nothing to select from, so a vanished session stays vanished); the upsert
     * writes each attribute's row whatever another request did to it meanwhile. Returns the
     * number of sessions changed, 0 or 1. Parameters: new expiry, key, now, then per attribute
     * hash, name, value. Empty for other databases, which lack data-modifying WITH.
     */
    Optional<String> updateAndUpsert(int count) {
        if (dialect != SqlDialect.POSTGRESQL || count == 0) {
            return Optional.empty();
        }
        String row = "(CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BYTEA))";
        return Optional.of("WITH s AS (UPDATE " + sessions() + " SET expires_millis = ? WHERE session_id = ? AND expires_millis > ?"
                + " RETURNING id), w AS (INSERT INTO " + attributes() + " (session_ref, attribute_hash, attribute_name, attribute_value)"
                + " SELECT s.id, v.h, v.n, v.b FROM s, (VALUES " + String.join(", ", Collections.nCopies(count, row)) + ") AS v (h, n, b)"
                + " ON CONFLICT (session_ref, attribute_hash) DO UPDATE"
                + " SET attribute_name = EXCLUDED.attribute_name, attribute_value = EXCLUDED.attribute_value)"
                + " SELECT COUNT(*) FROM s");
    }

    /** Parameters: key, created, expires. */
    String insertSession() {
        return sequence().map(s -> "INSERT INTO " + sessions() + " (id, session_id, created_millis, expires_millis)"
                        + " VALUES (" + dialect.nextValue(s) + ", ?, ?, ?)")
                .orElse("INSERT INTO " + sessions() + " (session_id, created_millis, expires_millis) VALUES (?, ?, ?)");
    }

    /** Parameters: key, then {@code count} attribute hashes. */
    String deleteAttributes(int count) {
        return "DELETE FROM " + attributes() + " WHERE session_ref = (" + keyOf() + ")"
                + " AND attribute_hash IN (" + String.join(", ", Collections.nCopies(count, "?")) + ")";
    }

    /** Parameters per attribute: key, hash, name, value. */
    String insertAttributes(int count) {
        String row = "((" + keyOf() + "), ?, ?, ?)";
        return "INSERT INTO " + attributes() + " (session_ref, attribute_hash, attribute_name, attribute_value) VALUES "
                + String.join(", ", Collections.nCopies(count, row));
    }

    /** Parameters: new key, old key, now. */
    String changeId() {
        return "UPDATE " + sessions() + " SET session_id = ? WHERE session_id = ? AND expires_millis > ?";
    }

    /** Parameters: key. Its attributes go with it (ON DELETE CASCADE). */
    String delete() {
        return "DELETE FROM " + sessions() + " WHERE session_id = ?";
    }

    /** Parameters: key, now. Clears the way for a new session that reuses an expired id. */
    String deleteIfExpired() {
        return "DELETE FROM " + sessions() + " WHERE session_id = ? AND expires_millis <= ?";
    }

    /** Parameters: now. */
    String purge() {
        return "DELETE FROM " + sessions() + " WHERE expires_millis <= ?";
    }

    /**
     * Up to {@code max} expired sessions of one key prefix, oldest expiry first: id, key,
     * created, expires. Parameters: now, the prefix as a LIKE pattern escaped with '!' ({@link #likePrefix}).
     */
    String expired(int max) {
        String select = "SELECT id, session_id, created_millis, expires_millis FROM " + sessions()
                + " WHERE expires_millis <= ? AND session_id LIKE ? ESCAPE '!' ORDER BY expires_millis, id";
        return dialect == SqlDialect.STANDARD ? select + " FETCH FIRST " + max + " ROWS ONLY" : select + " LIMIT " + max;
    }

    /** A LIKE pattern matching every key that starts with {@code prefix}. */
    static String likePrefix(String prefix) {
        return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    /** The attributes of {@code count} sessions: session ref, name, value. Parameters: the session refs. */
    String attributesOf(int count) {
        return "SELECT session_ref, attribute_name, attribute_value FROM " + attributes()
                + " WHERE session_ref IN (" + String.join(", ", Collections.nCopies(count, "?")) + ")";
    }

    /**
     * Takes one expired session: 1 for the one transaction that deletes it, 0 for any other (it
     * waits for the row's lock, then finds the row gone). Parameters: session ref, now.
     */
    String claim() {
        return "DELETE FROM " + sessions() + " WHERE id = ? AND expires_millis <= ?";
    }

    /** Parameters: key. */
    String deleteOwner() {
        return "DELETE FROM " + owners() + " WHERE session_ref = (" + keyOf() + ")";
    }

    /** Parameters: key, owner hash. */
    String deleteOwnerIf() {
        return "DELETE FROM " + owners() + " WHERE session_ref = (" + keyOf() + ") AND owner_hash = ?";
    }

    /** Parameters: owner hash, owner, key, now. Inserts nothing for a session that is gone. */
    String insertOwner() {
        return "INSERT INTO " + owners() + " (session_ref, owner_hash, owner_name) SELECT id, ?, ? FROM " + sessions()
                + " WHERE session_id = ? AND expires_millis > ?";
    }

    /** Parameters: owner hash, now. The keys of the owner's live sessions. */
    String ownedKeys() {
        return "SELECT s.session_id FROM " + owners() + " o JOIN " + sessions() + " s ON s.id = o.session_ref"
                + " WHERE o.owner_hash = ? AND s.expires_millis > ?";
    }

    /**
     * Takes a free lock: inserts the lock row, or does nothing if there is one (row count 0).
     * On PostgreSQL it also takes a lock whose lease ran out or that this token holds, in the
     * same statement, so that {@link #takeLock()} is never needed there. Elsewhere a held lock
     * is a duplicate key (MariaDB ignores it). Leases are reckoned by the database's clock
     * ({@link SqlDialect#nowMillis()}). Parameters: key, token, [now], lease millis; on PostgreSQL
     * also [now], token. A parameter in brackets is there only on a database without a clock
     * expression (standard SQL).
     *
     * <p>On PostgreSQL it is a query that returns a row when it took the lock, run on its own
     * (auto-commit), and it turns {@code synchronous_commit} off for its own transaction
     * ({@link #ASYNC_COMMIT}): the commit returns without waiting for the WAL flush.
     */
    String insertLock() {
        String now = dialect.nowMillis();
        String insert = "INTO " + locks() + " (session_id, lock_token, until_millis) VALUES (?, ?, " + now + " + ?)";
        return switch (dialect) {
            case POSTGRESQL -> "INSERT INTO " + locks() + " AS l (session_id, lock_token, until_millis) SELECT ?, ?, " + now + " + ?"
                    + " FROM " + ASYNC_COMMIT
                    + " ON CONFLICT (session_id) DO UPDATE SET lock_token = EXCLUDED.lock_token, until_millis = EXCLUDED.until_millis"
                    + " WHERE l.until_millis <= " + now + " OR l.lock_token = ? RETURNING 1";
            case MARIADB -> "INSERT IGNORE " + insert;
            default -> "INSERT " + insert;
        };
    }

    /**
     * A one-row table whose reading sets PostgreSQL's {@code synchronous_commit} to off until the
     * end of the transaction: a lock row's commit then returns before its WAL record is flushed
     * (the WAL writer flushes it within {@code 3 x wal_writer_delay}, 600 ms by default, and
     * every later synchronous commit, such as the session's save, flushes it first). What a
     * database crash can lose is a lock taken or released in that last fraction of a second:
     * docs/jpa.md says why that is acceptable for a lease.
     */
    static final String ASYNC_COMMIT = "(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit";

    /** Takes a lock whose lease ran out, or that this token holds already. Parameters: token, [now], lease millis, key, [now], token. */
    String takeLock() {
        String now = dialect.nowMillis();
        return "UPDATE " + locks() + " SET lock_token = ?, until_millis = " + now + " + ? WHERE session_id = ? AND (until_millis <= "
                + now + " OR lock_token = ?)";
    }

    /**
     * Releases a lock this token holds. Parameters: key, token. On PostgreSQL a query that
     * returns a row when it released the lock, with the commit of {@link #insertLock()}.
     */
    String deleteLock() {
        if (dialect == SqlDialect.POSTGRESQL) {
            return "DELETE FROM " + locks() + " AS l USING " + ASYNC_COMMIT + " WHERE l.session_id = ? AND l.lock_token = ? RETURNING 1";
        }
        return "DELETE FROM " + locks() + " WHERE session_id = ? AND lock_token = ?";
    }

    /** Parameters: [now]. Locks whose holder died (a released lock leaves no row). */
    String purgeLocks() {
        return "DELETE FROM " + locks() + " WHERE until_millis <= " + dialect.nowMillis();
    }

    private String keyOf() {
        return "SELECT id FROM " + sessions() + " WHERE session_id = ?";
    }
}
