package dev.serversessions.internal.backend.mongodb;

import com.mongodb.ConnectionString;
import dev.serversessions.internal.config.ConfigValues;
import java.time.Duration;

/**
 * The MongoDB backend's keys.
 *
 * @param connectionString {@code SESSION_MONGODB}, default {@code mongodb://127.0.0.1:27017};
 *                         replica sets, {@code mongodb+srv://} and credentials work as in any
 *                         MongoDB driver
 * @param database         {@code SESSION_MONGODB_DB}, default {@code flask_session}
 * @param collection       {@code SESSION_MONGODB_COLLECT}, default {@code sessions}
 * @param timeout          {@code SESSION_MONGODB_TIMEOUT_MS}, default 3000: how long a request waits
 *                         to find, connect to and hear from a server before it gets a 503; an
 *                         option of the same meaning in the connection string wins
 */
record MongoSettings(ConnectionString connectionString, String database, String collection, Duration timeout) {
    static final String MONGODB = "SESSION_MONGODB";
    static final String DB = "SESSION_MONGODB_DB";
    static final String COLLECT = "SESSION_MONGODB_COLLECT";
    static final String TIMEOUT_MS = "SESSION_MONGODB_TIMEOUT_MS";

    static final String DEFAULT_URI = "mongodb://127.0.0.1:27017";
    static final long DEFAULT_TIMEOUT_MS = 3000;

    static MongoSettings read(ConfigValues values) {
        String uri = values.string(MONGODB, DEFAULT_URI);
        ConnectionString connectionString;
        try {
            connectionString = new ConnectionString(uri);
        } catch (RuntimeException e) {
            values.problem(MONGODB, withoutPassword(uri), "is not a MongoDB connection string"
                    + " (mongodb://host:port[,host:port...][/?options] or mongodb+srv://host): " + safeReason(uri, e.getMessage()));
            connectionString = new ConnectionString(DEFAULT_URI);
        }
        String database = values.string(DB, "flask_session");
        if (database.isEmpty() || database.length() > 63 || database.chars().anyMatch(c -> "/\\. \"$*<>:|?\0".indexOf(c) >= 0)) {
            values.problem(DB, database, "is not a MongoDB database name (1 to 63 characters, none of /\\. \"$*<>:|?)");
        }
        String collection = values.string(COLLECT, "sessions");
        if (collection.isEmpty() || collection.indexOf('$') >= 0 || collection.indexOf('\0') >= 0 || collection.startsWith("system.")) {
            values.problem(COLLECT, collection, "is not a MongoDB collection name (not empty, no $, not starting with system.)");
        }
        long timeout = values.numberInRange(TIMEOUT_MS, DEFAULT_TIMEOUT_MS, 1, Integer.MAX_VALUE,
                "must be at most " + Integer.MAX_VALUE + " milliseconds");
        return new MongoSettings(connectionString, database, collection, Duration.ofMillis(timeout));
    }

    /** The hosts of the connection string, for logs: never the user or password. */
    String hosts() {
        String scheme = connectionString.isSrvProtocol() ? "mongodb+srv://" : "mongodb://";
        return scheme + String.join(",", connectionString.getHosts());
    }

    /**
     * A connection string fit for an error message: the password, if any, masked. The user
     * information runs to the last '@' (hosts and options hold none), so a password with an
     * unencoded '/', '@', ':', '?' or '%' is masked whole.
     */
    static String withoutPassword(String uri) {
        int start = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        if (start < 0 || at < start) {
            return uri;
        }
        String userInfo = uri.substring(start + 3, at);
        int colon = userInfo.indexOf(':');
        return colon < 0 ? uri : uri.substring(0, start + 3) + userInfo.substring(0, colon) + ":****" + uri.substring(at);
    }

    /**
     * The driver's complaint about {@code uri}, unless it quotes any piece of the password: its
     * parser echoes parts of what it could not read, and a password is one of those parts.
     */
    static String safeReason(String uri, String reason) {
        int start = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        if (start < 0 || at < start || reason == null) {
            return reason;
        }
        String userInfo = uri.substring(start + 3, at);
        String password = userInfo.substring(userInfo.indexOf(':') + 1);
        for (int i = 0; i + 3 <= password.length(); i++) {
            if (reason.contains(password.substring(i, i + 3))) {
                return "(the driver's reason quotes the password, so it is not shown)";
            }
        }
        return password.length() < 3 && !password.isEmpty() ? reason.replace(password, "****") : reason;
    }
}
