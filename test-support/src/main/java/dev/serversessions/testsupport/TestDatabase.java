package dev.serversessions.internal.backend.jpa;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A database of the test's own, with a unique name, on one of the machine's database servers;
 * dropped by {@link #close()}. A server that does not answer is started once, and the test fails
 * with a clear message if it still does not answer.
 */
abstract class TestDatabase implements AutoCloseable {
    protected final String name = "ss_jpa_" + Long.toString(System.nanoTime(), 36);
    private final TcpProxy proxy;

    protected TestDatabase(int serverPort) {
        this.proxy = serverPort > 0 ? TcpProxy.to("127.0.0.1", serverPort) : null;
    }

    /** The JDBC URL of this database, straight to the server. */
    abstract String url();

    /** The JDBC URL of this database through the test's proxy, which {@link #proxy()} can cut. */
    abstract String urlThroughProxy();

    /** A DataSource of this database, as an application would produce one. */
    abstract javax.sql.DataSource dataSource() throws SQLException;

    /** A statement that locks the row of {@code key} in {@code table} until its transaction ends. */
    String lockRow(String table) {
        return "SELECT id FROM " + table + " WHERE session_id = ? FOR UPDATE";
    }

    /** Creates a schema (MariaDB: a database) that {@link #close()} drops. */
    abstract void createSchema(String schema) throws SQLException;

    /** The schema tables land in when no SESSION_SQLALCHEMY_SCHEMA is set. */
    abstract String defaultSchema();

    /** Base tables of a schema, names as the catalog spells them, lower-cased. */
    Set<String> tables(String schema) throws SQLException {
        return names("SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'",
                schema);
    }

    /** Sequences of a schema, lower-cased. */
    Set<String> sequences(String schema) throws SQLException {
        return names("SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = ?", schema);
    }

    /** Columns of a table, lower-cased. */
    Set<String> columns(String schema, String table) throws SQLException {
        return names("SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
                schema, table);
    }

    /** How the catalog spells an unquoted name. */
    String catalogName(String name) {
        return name;
    }

    TcpProxy proxy() {
        return proxy;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    /** Runs statements on this database directly. */
    void execute(String... statements) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** A single number. */
    long count(String sql, Object... parameters) throws SQLException {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private Set<String> names(String sql, String... parameters) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, catalogName(parameters[i]));
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    @Override
    public void close() throws SQLException {
        if (proxy != null) {
            proxy.close();
        }
    }

    /**
     * Connects to a shared server; if it does not answer, starts it with {@code start} and waits.
     *
     * @throws AssertionError naming the server, the command and what failed
     */
    static Connection connectStartingIfNeeded(String what, String adminUrl, String... start) {
        try {
            return DriverManager.getConnection(adminUrl);
        } catch (SQLException first) {
            String output;
            try {
                Path log = Files.createTempFile("db-start", ".log");
                Process process = new ProcessBuilder(start).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                output = Files.readString(log);
                Files.deleteIfExists(log);
            } catch (IOException | InterruptedException e) {
                output = "could not run it: " + e;
            }
            SQLException last = first;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                try {
                    return DriverManager.getConnection(adminUrl);
                } catch (SQLException e) {
                    last = e;
                    sleep(500);
                }
            }
            throw new AssertionError(what + " does not answer at " + adminUrl + " (" + last.getMessage()
                    + "), not even after running " + String.join(" ", start) + ": " + output, last);
        }
    }

    static String firstEntry(String directory) {
        String[] entries = new File(directory).list();
        return entries == null || entries.length == 0 ? "15" : entries[0];
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** PostgreSQL 15 on 127.0.0.1:5432, trust authentication: a database per test class. */
    static final class Postgres extends TestDatabase {
        private static final String ADMIN = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

        Postgres() throws SQLException {
            super(5432);
            try (Connection admin = connectStartingIfNeeded("PostgreSQL", ADMIN, "pg_ctlcluster", "--skip-systemctl-redirect",
                    firstEntry("/etc/postgresql"), "main", "start"); Statement statement = admin.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            }
        }

        @Override
        String url() {
            return "jdbc:postgresql://127.0.0.1:5432/" + name + "?user=postgres";
        }

        @Override
        javax.sql.DataSource dataSource() {
            org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
            dataSource.setUrl(url());
            return dataSource;
        }

        @Override
        String urlThroughProxy() {
            return "jdbc:postgresql://127.0.0.1:" + proxy().port() + "/" + name + "?user=postgres&connectTimeout=5&socketTimeout=10";
        }

        @Override
        void createSchema(String schema) throws SQLException {
            execute("CREATE SCHEMA " + schema);
        }

        @Override
        String defaultSchema() {
            return "public";
        }

        @Override
        public void close() throws SQLException {
            super.close();
            try (Connection admin = DriverManager.getConnection(ADMIN); Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }

    /** MariaDB 10.11 on 127.0.0.1:3306, root without password: a database per test class. */
    static final class MariaDb extends TestDatabase {
        private static final String ADMIN = "jdbc:mariadb://127.0.0.1:3306/test?user=root&sslMode=disable";
        private final java.util.List<String> databases = new ArrayList<>();

        MariaDb() throws SQLException {
            super(3306);
            try (Connection admin = connectStartingIfNeeded("MariaDB", ADMIN, "start-stop-daemon", "--start", "--oknodo",
                    "--background", "--exec", "/usr/sbin/mariadbd"); Statement statement = admin.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            }
            databases.add(name);
        }

        @Override
        String url() {
            return "jdbc:mariadb://127.0.0.1:3306/" + name + "?user=root&sslMode=disable";
        }

        @Override
        javax.sql.DataSource dataSource() throws SQLException {
            return new org.mariadb.jdbc.MariaDbDataSource(url());
        }

        @Override
        String urlThroughProxy() {
            return "jdbc:mariadb://127.0.0.1:" + proxy().port() + "/" + name + "?user=root&sslMode=disable&connectTimeout=5000&socketTimeout=10000";
        }

        @Override
        void createSchema(String schema) throws SQLException {
            execute("CREATE DATABASE " + schema);
            databases.add(schema);
        }

        @Override
        String defaultSchema() {
            return name;
        }

        /** MariaDB lists sequences as tables of type SEQUENCE. */
        @Override
        Set<String> sequences(String schema) throws SQLException {
            Set<String> names = new TreeSet<>();
            try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'SEQUENCE'")) {
                statement.setString(1, schema);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        names.add(rows.getString(1).toLowerCase(Locale.ROOT));
                    }
                }
            }
            return names;
        }

        @Override
        public void close() throws SQLException {
            super.close();
            try (Connection admin = DriverManager.getConnection(ADMIN); Statement statement = admin.createStatement()) {
                for (String database : databases) {
                    statement.execute("DROP DATABASE IF EXISTS " + database);
                }
            }
        }
    }

    /**
     * H2 in memory, served over TCP by an H2 server in the test JVM so that the proxy can cut it
     * like the others.
     */
    static final class H2 extends TestDatabase {
        private final org.h2.tools.Server server;

        H2() throws SQLException {
            this(org.h2.tools.Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start());
        }

        private H2(org.h2.tools.Server server) {
            super(server.getPort());
            this.server = server;
        }

        @Override
        String url() {
            return "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/mem:" + name + ";DB_CLOSE_DELAY=-1";
        }

        @Override
        javax.sql.DataSource dataSource() {
            org.h2.jdbcx.JdbcDataSource dataSource = new org.h2.jdbcx.JdbcDataSource();
            dataSource.setURL(url());
            return dataSource;
        }

        @Override
        String urlThroughProxy() {
            return "jdbc:h2:tcp://127.0.0.1:" + proxy().port() + "/mem:" + name + ";DB_CLOSE_DELAY=-1";
        }

        @Override
        void createSchema(String schema) throws SQLException {
            execute("CREATE SCHEMA " + schema);
        }

        @Override
        String defaultSchema() {
            return "PUBLIC";
        }

        @Override
        String catalogName(String name) {
            return name.toUpperCase(Locale.ROOT);
        }

        @Override
        public void close() throws SQLException {
            super.close();
            try {
                execute("SHUTDOWN");
            } catch (SQLException e) {
                // the connection ends with the database: expected
            }
            server.stop();
        }
    }
}
