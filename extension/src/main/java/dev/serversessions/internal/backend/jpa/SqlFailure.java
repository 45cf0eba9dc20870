package dev.serversessions.internal.backend.jpa;

import jakarta.persistence.PersistenceException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.IdentityHashMap;
import java.util.Map;
import javax.naming.NamingException;
import org.eclipse.persistence.exceptions.DatabaseException;
import org.eclipse.persistence.exceptions.EclipseLinkException;

/**
 * What a failure from JPA or JDBC means for the backend, read from the SQLState of the
 * SQLException inside it (JPA providers wrap them several layers deep).
 */
enum SqlFailure {
    /** Not a database failure at all: a bug, to be thrown as it is. */
    NOT_DATABASE,
    /** A unique key was violated: the row another writer just created. */
    DUPLICATE_KEY,
    /** Deadlock or serialization failure: the transaction can simply run again. */
    CONFLICT,
    /** The database could not be reached, or the connection broke. */
    CONNECTION,
    /** Any other database error (timeout, permissions, missing schema...). */
    OTHER;

    static SqlFailure of(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        boolean database = false;
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof PersistenceException || t instanceof EclipseLinkException || t instanceof NamingException) {
                database = true;
            }
            if (t instanceof DatabaseException d && d.isCommunicationFailure()) {
                return CONNECTION;
            }
            if (t instanceof SQLException sql) {
                return ofSql(sql);
            }
            if (t instanceof IOException) {
                return CONNECTION;
            }
        }
        return database ? OTHER : NOT_DATABASE;
    }

    private static SqlFailure ofSql(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || e instanceof SQLRecoverableException) {
            return CONNECTION;
        }
        if (e instanceof SQLTimeoutException) {
            return OTHER;
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08")) {
            return CONNECTION;
        }
        if (state.startsWith("23")) {
            return DUPLICATE_KEY;
        }
        if (state.startsWith("40") || e.getErrorCode() == 1213 /* MariaDB deadlock, sometimes without 40001 */) {
            return CONFLICT;
        }
        if (e.getCause() instanceof IOException) {
            return CONNECTION;
        }
        return OTHER;
    }
}
