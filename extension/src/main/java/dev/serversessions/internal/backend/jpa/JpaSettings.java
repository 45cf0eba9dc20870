package dev.serversessions.internal.backend.jpa;

import dev.serversessions.internal.config.ConfigValues;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The SQL backend's keys, the seed's {@code SESSION_SQLALCHEMY*} plus what a JDBC pool needs.
 *
 * @param target    {@code SESSION_SQLALCHEMY}: a JDBC URL or a JNDI name of a DataSource; empty
 *                  when the application produces the EntityManagerFactory or DataSource
 * @param table     {@code SESSION_SQLALCHEMY_TABLE}, default {@code sessions}; the attributes live
 *                  in {@code <table>_attributes}
 * @param sequence  {@code SESSION_SQLALCHEMY_SEQUENCE}: the sequence of the surrogate key; empty
 *                  means an identity column
 * @param schema    {@code SESSION_SQLALCHEMY_SCHEMA}: the schema (MariaDB: database) of table and
 *                  sequence; empty means the connection's default
 * @param bindKey   {@code SESSION_SQLALCHEMY_BIND_KEY}: the {@code @Named} name of the application's
 *                  EntityManagerFactory or DataSource bean to use
 * @param user      {@code SESSION_SQLALCHEMY_USER}, for a JDBC URL
 * @param password  {@code SESSION_SQLALCHEMY_PASSWORD}, for a JDBC URL
 * @param poolSize  {@code SESSION_SQLALCHEMY_POOL_SIZE}, default 8: connections EclipseLink keeps
 *                  for a JDBC URL (a container DataSource has its own pool)
 * @param timeoutSeconds {@code SESSION_SQLALCHEMY_TIMEOUT}, default 10: longest wait for a pooled
 *                  connection and for one statement
 */
record JpaSettings(
        Optional<Target> target,
        String table,
        Optional<String> sequence,
        Optional<String> schema,
        Optional<String> bindKey,
        Optional<String> user,
        Optional<String> password,
        int poolSize,
        int timeoutSeconds) {

    static final String URL = "SESSION_SQLALCHEMY";
    static final String TABLE = "SESSION_SQLALCHEMY_TABLE";
    static final String SEQUENCE = "SESSION_SQLALCHEMY_SEQUENCE";
    static final String SCHEMA = "SESSION_SQLALCHEMY_SCHEMA";
    static final String BIND_KEY = "SESSION_SQLALCHEMY_BIND_KEY";
    static final String USER = "SESSION_SQLALCHEMY_USER";
    static final String PASSWORD = "SESSION_SQLALCHEMY_PASSWORD";
    static final String POOL_SIZE = "SESSION_SQLALCHEMY_POOL_SIZE";
    static final String TIMEOUT = "SESSION_SQLALCHEMY_TIMEOUT";

    /** Room is left for the {@code _attributes} suffix within PostgreSQL's 63 characters. */
    static final int MAX_TABLE_LENGTH = 48;
    private static final int MAX_NAME_LENGTH = 63;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern JNDI_NAME = Pattern.compile("(java:[^\\s]+|[A-Za-z0-9_.\\-]+(/[A-Za-z0-9_.\\-]+)+)");
    private static final Pattern BEAN_NAME = Pattern.compile("[^\\s]+");

    /**
     * Words that PostgreSQL, MariaDB or H2 reserve, so that an unquoted name made of one of them
     * would break every statement; names are used unquoted so that they fold to the database's
     * usual case and read the same in hand-written SQL.
     */
    private static final Set<String> RESERVED = Set.of(
            "all", "alter", "and", "any", "array", "as", "asc", "between", "both", "by", "case", "cast", "check",
            "column", "constraint", "create", "cross", "current_date", "current_time", "current_timestamp",
            "current_user", "database", "default", "delete", "desc", "distinct", "drop", "else", "end", "except",
            "exists", "false", "fetch", "for", "foreign", "from", "full", "grant", "group", "having", "if", "in",
            "index", "inner", "insert", "intersect", "interval", "into", "is", "join", "key", "leading", "left",
            "like", "limit", "minus", "natural", "not", "null", "offset", "on", "or", "order", "outer", "primary",
            "references", "right", "row", "rows", "schema", "select", "session_user", "set", "some", "table",
            "then", "to", "trailing", "true", "union", "unique", "update", "user", "using", "value", "values",
            "when", "where", "window", "with");

    /** How {@code SESSION_SQLALCHEMY} names the database. */
    sealed interface Target permits JdbcUrl, JndiName {
    }

    /** A JDBC URL; the driver travels in the WAR. */
    record JdbcUrl(String url) implements Target {
    }

    /** The JNDI name of a container DataSource. */
    record JndiName(String name) implements Target {
    }

    /** Reads and validates the keys; problems are collected in {@code values}. */
    static JpaSettings read(ConfigValues values) {
        Optional<Target> target = values.optionalString(URL).flatMap(v -> target(values, v));
        String table = values.string(TABLE, "sessions");
        identifier(values, TABLE, table, MAX_TABLE_LENGTH);
        Optional<String> sequence = values.optionalString(SEQUENCE);
        sequence.ifPresent(s -> identifier(values, SEQUENCE, s, MAX_NAME_LENGTH));
        Optional<String> schema = values.optionalString(SCHEMA);
        schema.ifPresent(s -> identifier(values, SCHEMA, s, MAX_NAME_LENGTH));
        Optional<String> bindKey = values.optionalString(BIND_KEY);
        bindKey.filter(k -> !BEAN_NAME.matcher(k).matches())
                .ifPresent(k -> values.problem(BIND_KEY, k, "is not a bean name (the value of an @Named, without spaces)"));
        if (bindKey.isPresent() && values.optionalString(URL).isPresent()) {
            values.problem(BIND_KEY + " selects an application bean, so " + URL + " must stay unset; set one of them");
        }
        Optional<String> user = values.optionalString(USER);
        Optional<String> password = values.optionalString(PASSWORD);
        if ((user.isPresent() || password.isPresent()) && !(target.orElse(null) instanceof JdbcUrl)) {
            values.problem((user.isPresent() ? USER : PASSWORD)
                    + " applies only when " + URL + " is a JDBC URL; a DataSource brings its own credentials");
        }
        long poolSize = values.numberInRange(POOL_SIZE, 8, 1, 1000,
                "must be a number of connections from 1 to 1000");
        long timeout = values.numberInRange(TIMEOUT, 10, 1, 3600,
                "must be a number of seconds from 1 to 3600");
        return new JpaSettings(target, table, sequence, schema, bindKey, user, password, (int) poolSize, (int) timeout);
    }

    private static Optional<Target> target(ConfigValues values, String value) {
        if (value.regionMatches(true, 0, "jdbc:", 0, 5)) {
            if (JdbcUrls.hasBadEscape(value)) {
                values.problem(URL, JdbcUrls.redact(value), "has a '%' in its parameters that starts no %XX escape;"
                        + " the driver percent-decodes them: write a % (in the password too) as %25");
                return Optional.empty();
            }
            if (value.length() > 5 && !value.contains(" ")) {
                return Optional.of(new JdbcUrl(value));
            }
        } else if (JNDI_NAME.matcher(value).matches()) {
            return Optional.of(new JndiName(value));
        }
        values.problem(URL, JdbcUrls.redact(value), "is neither a JDBC URL (e.g. jdbc:postgresql://127.0.0.1:5432/app)"
                + " nor the JNDI name of a DataSource (e.g. java:app/jdbc/sessions)");
        return Optional.empty();
    }

    private static void identifier(ConfigValues values, String key, String name, int maxLength) {
        if (!IDENTIFIER.matcher(name).matches() || name.length() > maxLength) {
            values.problem(key, name, "is not a plain SQL name: letters, digits and _, not starting with a digit, at most "
                    + maxLength + " characters");
        } else if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            values.problem(key, name, "is a reserved SQL word; choose another name (e.g. app_" + name.toLowerCase(Locale.ROOT) + ")");
        }
    }

    /** The attribute table, named after the session table. */
    String attributeTable() {
        return table + "_attributes";
    }
}
