package dev.serversessions.internal.backend.jpa;

import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.internal.backend.StartUpWait;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.Query;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The database under the backend: opens the EntityManagerFactory on first use (and again after
 * a failed start), creates the tables if they are missing, and runs units of work, turning every
 * database failure into {@link SessionStoreUnavailableException}.
 *
 * <p>A unit of work is retried when running it again is the remedy: after a deadlock, and after
 * a broken connection, which EclipseLink then tests and drops. After an outage every pooled
 * connection may be dead, and each fails at once, so a broken connection is retried once, and
 * again up to once per pooled connection while the failures come at once and the request's time
 * lasts: the first request after an outage succeeds, on either pool (loads read through the read
 * pool, writes through the other), and a database that is still down is not asked again. Every
 * unit of work the backend runs is idempotent, so a retry never applies a change twice.
 */
final class SessionDatabase implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SessionDatabase.class.getName());
    private static final int CONFLICT_ATTEMPTS = 5;
    /** A pooled connection an outage killed fails at once; a database that is down takes longer. */
    private static final long FAST_FAILURE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final Supplier<EntityManagerFactory> opener;
    private final boolean owned;
    private final String description;
    private final JpaSettings settings;
    private final Optional<SqlDialect> knownDialect;
    private volatile EntityManagerFactory factory;
    private volatile SessionTables tables;
    private volatile boolean closed;
    /** Held while the factory is built, and to look at or replace {@link #start}. */
    private final ReentrantLock starting = new ReentrantLock();
    /** The start in progress, if any; guarded by {@link #starting}. */
    private CompletableFuture<SessionTables> start;
    /**
     * One permit per connection of the write and of the read pool we built, or null for a pool
     * that is not ours. EclipseLink's pool lets a request wait its full timeout for a connection
     * on each attempt; taking a permit first lets it wait only for what is left of its timeout.
     */
    private final Semaphore writeConnections;
    private final Semaphore readConnections;

    /**
     * @param opener       builds or finds the factory; called again after a failed start
     * @param owned        whether the backend built the factory and so closes it
     * @param description  the database for logs, without credentials
     * @param knownDialect the dialect if the JDBC URL tells it
     * @param ownPool      whether the factory's connection pool is the one built from the settings
     */
    SessionDatabase(Supplier<EntityManagerFactory> opener, boolean owned, String description, JpaSettings settings,
            Optional<SqlDialect> knownDialect, boolean ownPool) {
        this.writeConnections = ownPool ? new Semaphore(settings.poolSize()) : null;
        this.readConnections = ownPool ? new Semaphore(settings.poolSize()) : null;
        this.opener = opener;
        this.owned = owned;
        this.description = description;
        this.settings = settings;
        this.knownDialect = knownDialect;
    }

    String describe() {
        return description;
    }

    /** The tables once the database has been reached, or null before. */
    SessionTables startedTables() {
        return tables;
    }

    /** The tables, the database reached (and the tables created if missing) first if not yet. */
    SessionTables tables() {
        SessionTables started = tables;
        return started != null ? started : read(Statements::tables);
    }

    /** Runs {@code work} in one transaction, retried on a deadlock or a broken connection. */
    <T> T write(Function<Statements, T> work) {
        return run(work, true, writeConnections);
    }

    /**
     * Runs {@code work}, one statement that writes atomically by itself, without a transaction:
     * the statement commits as it runs (auto-commit), which saves the round trip of a commit.
     */
    <T> T autoCommitted(Function<Statements, T> work) {
        return run(work, false, writeConnections);
    }

    /** Runs read-only {@code work} without a transaction of its own. */
    <T> T read(Function<Statements, T> work) {
        return run(work, false, readConnections);
    }

    private <T> T run(Function<Statements, T> work, boolean transactional, Semaphore connections) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.timeoutSeconds());
        for (int attempt = 1;; attempt++) {
            long started = System.nanoTime();
            try {
                SessionTables ready = ready(deadline);
                acquire(connections, deadline);
                try {
                    return once(ready, work, transactional);
                } finally {
                    if (connections != null) {
                        connections.release();
                    }
                }
            } catch (SessionStoreUnavailableException e) {
                throw e; // the deadline passed waiting for the start or a connection: nothing left to retry with
            } catch (RuntimeException e) {
                SqlFailure failure = SqlFailure.of(e);
                boolean retry = failure == SqlFailure.CONFLICT && attempt < CONFLICT_ATTEMPTS
                        || failure == SqlFailure.CONNECTION && System.nanoTime() < deadline
                        && (attempt == 1 || attempt <= settings.poolSize() && System.nanoTime() - started < FAST_FAILURE_NANOS);
                if (!retry) {
                    throw translate(e, failure);
                }
                if (failure == SqlFailure.CONFLICT) {
                    pause(attempt);
                }
            }
        }
    }

    private <T> T once(SessionTables ready, Function<Statements, T> work, boolean transactional) {
        try (EntityManager em = factory().createEntityManager()) {
            if (!transactional) {
                return work.apply(new Statements(em, ready));
            }
            EntityTransaction transaction = transactionOf(em);
            transaction.begin();
            try {
                T result = work.apply(new Statements(em, ready));
                transaction.commit();
                return result;
            } finally {
                rollbackQuietly(transaction);
            }
        }
    }

    private static void rollbackQuietly(EntityTransaction transaction) {
        try {
            if (transaction.isActive()) {
                transaction.rollback();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "rollback after a failure failed too", e);
        }
    }

    private EntityTransaction transactionOf(EntityManager em) {
        try {
            return em.getTransaction();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("The application's EntityManagerFactory for server sessions uses JTA;"
                    + " produce a RESOURCE_LOCAL one, or a DataSource, or set " + JpaSettings.URL, e);
        }
    }

    /**
     * The tables, created first if missing; fails while the database cannot be reached.
     *
     * <p>Starting connects (EclipseLink logs its pools in, each up to the driver's timeout, and
     * PostgreSQL's driver tries with and without TLS) and then checks the tables: against a
     * database that does not answer that is several timeouts. It runs once, on a thread of its
     * own, and each request waits for it only until its own deadline; a start that outlives its
     * request still readies the backend for the next. The factory itself is built here, in the
     * request: a DataSource's JNDI name may resolve only in a component's thread.
     */
    private SessionTables ready(long deadline) {
        SessionTables known = tables;
        if (known != null) {
            return known;
        }
        factory();
        CompletableFuture<SessionTables> pending;
        lockStart(deadline);
        try {
            if (tables != null) {
                return tables;
            }
            if (start == null) {
                start = startInBackground();
            }
            pending = start;
        } finally {
            starting.unlock();
        }
        return StartUpWait.awaitUntil(pending, deadline, description, () -> new SQLTimeoutException(
                "the database did not answer within " + settings.timeoutSeconds() + " s"));
    }

    private void forget(CompletableFuture<SessionTables> finished) {
        starting.lock();
        try {
            if (start == finished) {
                start = null;
            }
        } finally {
            starting.unlock();
        }
    }

    private CompletableFuture<SessionTables> startInBackground() {
        CompletableFuture<SessionTables> started = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            // The start is forgotten before anyone waiting hears how it ended: a request that
            // retries after a failure must begin a new start, not join this finished one.
            try {
                SessionTables candidate = new SessionTables(settings, dialect());
                createMissingTables(candidate);
                tables = candidate;
                forget(started);
                started.complete(candidate);
            } catch (RuntimeException | Error e) {
                forget(started);
                started.completeExceptionally(e);
            }
        }, "server-sessions-sql-start");
        // drivers and EclipseLink load classes through it: the application's, as in the request
        thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        thread.setDaemon(true);
        thread.start();
        return started;
    }

    private EntityManagerFactory factory() {
        EntityManagerFactory open = factory;
        if (open != null && !closed) {
            return open;
        }
        lockStart(System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.timeoutSeconds()));
        try {
            if (closed) {
                throw new IllegalStateException("the session backend " + description + " is closed");
            }
            if (factory == null) {
                factory = opener.get();
            }
            return factory;
        } finally {
            starting.unlock();
        }
    }

    private void acquire(Semaphore connections, long deadline) {
        if (connections == null) {
            return;
        }
        try {
            if (!connections.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new SessionStoreUnavailableException(description, new SQLTimeoutException(
                        "no free connection within " + settings.timeoutSeconds() + " s"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionStoreUnavailableException(description, e);
        }
    }

    /**
     * Takes the start-up lock, waiting at most until the request's deadline: whoever holds it
     * may be building the factory, and the requests behind it must get their 503 in time.
     */
    private void lockStart(long deadline) {
        try {
            if (!starting.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new SessionStoreUnavailableException(description, new SQLTimeoutException(
                        "another request has been connecting for " + settings.timeoutSeconds() + " s"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionStoreUnavailableException(description, e);
        }
    }

    /**
     * A factory that never got ready may be stuck (EclipseLink keeps a failed
     * deployment, a JNDI lookup may have failed): build it again on the next request.
     */
    private void discardUnusedFactory() {
        if (!starting.tryLock()) {
            return; // the request holding the lock is starting it anew right now
        }
        try {
            if (owned && factory != null && tables == null && start == null) {
                try {
                    factory.close();
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "closing a factory that never connected failed", e);
                }
                factory = null;
            }
        } finally {
            starting.unlock();
        }
    }

    private SqlDialect dialect() {
        if (knownDialect.isPresent()) {
            return knownDialect.get();
        }
        try (EntityManager em = factory().createEntityManager()) {
            EntityTransaction transaction = transactionOf(em);
            transaction.begin();
            try {
                Connection connection = em.unwrap(Connection.class);
                if (connection != null) {
                    return SqlDialect.ofProduct(connection.getMetaData().getDatabaseProductName());
                }
            } catch (SQLException e) {
                throw new PersistenceException(e);
            } catch (PersistenceException e) {
                if (SqlFailure.of(e) == SqlFailure.CONNECTION) {
                    throw e;
                }
                // a JPA provider that hands out no Connection: go by its URL property, if any
            } finally {
                rollbackQuietly(transaction);
            }
        }
        Object url = factory().getProperties().get("jakarta.persistence.jdbc.url");
        return url == null ? SqlDialect.STANDARD : SqlDialect.ofUrl(url.toString()).orElse(SqlDialect.STANDARD);
    }

    /** Creates what is missing when the tables are not there; never alters or drops anything. */
    private void createMissingTables(SessionTables candidate) {
        if (tablesExist(candidate)) {
            return;
        }
        // Each statement on its own: where the database has no IF NOT EXISTS, the tables of an
        // earlier version fail their CREATE and the owners table, new in this one, is still made.
        RuntimeException failure = null;
        for (String ddl : candidate.dialect().createStatements(candidate)) {
            try {
                once(candidate, sql -> sql.update(ddl), true);
            } catch (RuntimeException e) {
                if (SqlFailure.of(e) == SqlFailure.CONNECTION) {
                    throw e;
                }
                failure = failure == null ? e : failure; // it may exist already, or another server made it just now
            }
        }
        if (failure != null && !tablesExist(candidate)) {
            throw failure;
        }
        LOG.info(() -> "Created the missing session tables among " + candidate.sessions() + ", " + candidate.attributes()
                + " and " + candidate.owners() + " in " + description);
    }

    private boolean tablesExist(SessionTables candidate) {
        try {
            once(candidate, sql -> sql.rows(candidate.probe()), false);
            return true;
        } catch (RuntimeException e) {
            if (SqlFailure.of(e) == SqlFailure.CONNECTION || SqlFailure.of(e) == SqlFailure.NOT_DATABASE) {
                throw e;
            }
            return false;
        }
    }

    private RuntimeException translate(RuntimeException e, SqlFailure failure) {
        if (failure == SqlFailure.NOT_DATABASE) {
            return e;
        }
        discardUnusedFactory();
        if (failure == SqlFailure.DUPLICATE_KEY) {
            return new DuplicateKeyException(description, e);
        }
        return new SessionStoreUnavailableException(description, e);
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5L * attempt, 20L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionStoreUnavailableException("(interrupted)", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        starting.lock();
        try {
            if (owned && factory != null) {
                factory.close();
            }
            factory = null;
        } finally {
            starting.unlock();
        }
        SessionPersistenceUnit.EmptyRoot.remove();
    }

    /** The statements of one unit of work. */
    static final class Statements {
        private final EntityManager em;
        private final SessionTables tables;

        Statements(EntityManager em, SessionTables tables) {
            this.em = em;
            this.tables = tables;
        }

        SessionTables tables() {
            return tables;
        }

        /** Runs an INSERT, UPDATE, DELETE or DDL statement; returns the row count. */
        int update(String sql, Object... parameters) {
            return bind(em.createNativeQuery(sql), parameters).executeUpdate();
        }

        /** Runs a SELECT; each row as an array, byte and text columns read into memory. */
        List<Object[]> rows(String sql, Object... parameters) {
            List<?> results = bind(em.createNativeQuery(sql), parameters).getResultList();
            List<Object[]> rows = new ArrayList<>(results.size());
            for (Object result : results) {
                Object[] row = result instanceof Object[] columns ? columns : new Object[] {result};
                for (int i = 0; i < row.length; i++) {
                    row[i] = materialize(row[i]);
                }
                rows.add(row);
            }
            return rows;
        }

        private static Query bind(Query query, Object[] parameters) {
            for (int i = 0; i < parameters.length; i++) {
                query.setParameter(i + 1, parameters[i]);
            }
            return query;
        }

        private static Object materialize(Object value) {
            try {
                if (value instanceof Blob blob) {
                    return blob.getBytes(1, (int) blob.length());
                }
                if (value instanceof Clob clob) {
                    return clob.getSubString(1, (int) clob.length());
                }
                return value;
            } catch (SQLException e) {
                throw new PersistenceException(e);
            }
        }
    }

    /** A unique key was violated: the row exists already. */
    static final class DuplicateKeyException extends SessionStoreUnavailableException {
        private static final long serialVersionUID = 1L;

        DuplicateKeyException(String store, Throwable cause) {
            super(store, cause);
        }
    }
}
