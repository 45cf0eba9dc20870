package dev.serversessions.testsupport;

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
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A database of the test's own, with a unique name, on one of the machine's database servers
 * (PostgreSQL 15 on 5432, MariaDB 10.11 on 3306) or on an H2 server in the test JVM; dropped by
 * {@link #close()}. Code under test reaches it through a {@link TcpProxy} that a test cuts for an
 * outage: the shared server itself is never stopped. A server that does not answer is started
 * once, and the test fails with a clear message if it still does not answer.
 */
public abstract class TestDatabase implements AutoCloseable {
    /** Socket timeout of {@link #urlThroughProxy()}: a unit test's outage ends quickly. */
    private static final int UNIT_SOCKET_TIMEOUT_SECONDS = 10;
    /** Socket timeout of {@link #applicationUrl()}: a runtime under load may answer slower. */
    private static final int APPLICATION_SOCKET_TIMEOUT_SECONDS = 15;

    protected final String name = "ss_test_" + Long.toString(System.nanoTime(), 36);
    private final int serverPort;
    private final TcpProxy proxy;

    private TestDatabase(int serverPort) {
        this.serverPort = serverPort;
        this.proxy = TcpProxy.to("127.0.0.1", serverPort);
    }

    /** A new database on the machine's PostgreSQL. */
    public static TestDatabase postgres() {
        return new Postgres();
    }

    /** A new database on the machine's MariaDB. */
    public static TestDatabase mariaDb() {
        return new MariaDb();
    }

    /** A new in-memory H2 database, served over TCP from this JVM. */
    public static TestDatabase h2() {
        try {
            return new H2(org.h2.tools.Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start());
        } catch (SQLException e) {
            throw new AssertionError("cannot start an H2 TCP server: " + e, e);
        }
    }

    /** The JDBC URL of this database, straight to the server, for the test's own checks. */
    public String url() {
        return urlAt(serverPort, "");
    }

    /**
     * The JDBC URL of this database through the test's proxy, which {@link #proxy()} can cut, with
     * network timeouts short enough for a unit test's outage.
     */
    public String urlThroughProxy() {
        return urlThroughProxy(UNIT_SOCKET_TIMEOUT_SECONDS);
    }

    /** The JDBC URL a runtime's application uses: through the proxy, with short network timeouts. */
    public String applicationUrl() {
        return urlThroughProxy(APPLICATION_SOCKET_TIMEOUT_SECONDS);
    }

    /** Through the proxy, connecting within 5 s and waiting at most {@code socketTimeoutSeconds} for an answer. */
    private String urlThroughProxy(int socketTimeoutSeconds) {
        return urlAt(proxy.port(), timeouts(socketTimeoutSeconds));
    }

    /** The JDBC URL of this database at {@code port} (the server's or the proxy's), {@code options} appended. */
    protected abstract String urlAt(int port, String options);

    /** The URL options for a 5 s connect timeout and a socket timeout of {@code socketTimeoutSeconds}. */
    protected abstract String timeouts(int socketTimeoutSeconds);

    /** A DataSource of this database, as an application would produce one. */
    public abstract javax.sql.DataSource dataSource() throws SQLException;

    /** A statement that locks the row of {@code key} in {@code table} until its transaction ends. */
    public String lockRow(String table) {
        return "SELECT id FROM " + table + " WHERE session_id = ? FOR UPDATE";
    }

    /** A schema name unique to this test (MariaDB's schemas are databases, shared by every test). */
    public String schemaName(String base) {
        return base;
    }

    /** Creates a schema (MariaDB: a database) that {@link #close()} drops. */
    public void createSchema(String schema) throws SQLException {
        execute("CREATE SCHEMA " + schema);
    }

    /** The schema tables land in when no SESSION_SQLALCHEMY_SCHEMA is set. */
    public abstract String defaultSchema();

    /** Base tables of a schema, names as the catalog spells them, lower-cased. */
    public Set<String> tables(String schema) throws SQLException {
        return names("SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'",
                schema);
    }

    /** Sequences of a schema, lower-cased. */
    public Set<String> sequences(String schema) throws SQLException {
        return names("SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = ?", schema);
    }

    /** Columns of a table, lower-cased. */
    public Set<String> columns(String schema, String table) throws SQLException {
        return names("SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
                schema, table);
    }

    /** How the catalog spells an unquoted name. */
    public String catalogName(String name) {
        return name;
    }

    public TcpProxy proxy() {
        return proxy;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    /** Runs statements on this database directly. */
    public void execute(String... statements) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** A single number. */
    public long count(String sql, Object... parameters) throws SQLException {
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

    protected Set<String> names(String sql, String... parameters) throws SQLException {
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

    /** Drops the database; closes the proxy. */
    @Override
    public void close() {
        proxy.close();
        try {
            drop();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop the test database " + name + ": " + e, e);
        }
    }

    protected abstract void drop() throws SQLException;

    /**
     * Connects to a shared server; if it does not answer, starts it with {@code start} and waits.
     *
     * @throws AssertionError naming the server, the command and what failed
     */
    private static Connection connectStartingIfNeeded(String what, String adminUrl, String... start) {
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

    /** Creates this test's database through {@code admin}, then closes it. */
    protected final void create(Connection admin, String what) {
        try (admin; Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new AssertionError("cannot create the test database " + name + " on " + what + ": " + e, e);
        }
    }

    private static String firstEntry(String directory) {
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

    /** PostgreSQL 15 on 127.0.0.1:5432, trust authentication. */
    private static final class Postgres extends TestDatabase {
        private static final String ADMIN = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

        Postgres() {
            super(5432);
            create(connectStartingIfNeeded("PostgreSQL", ADMIN, "pg_ctlcluster", "--skip-systemctl-redirect",
                    firstEntry("/etc/postgresql"), "main", "start"), "PostgreSQL");
        }

        @Override
        protected String urlAt(int port, String options) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=postgres" + options;
        }

        @Override
        protected String timeouts(int socketTimeoutSeconds) {
            return "&connectTimeout=5&socketTimeout=" + socketTimeoutSeconds;
        }

        @Override
        public javax.sql.DataSource dataSource() {
            org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
            dataSource.setUrl(url());
            return dataSource;
        }

        @Override
        public String defaultSchema() {
            return "public";
        }

        @Override
        protected void drop() throws SQLException {
            try (Connection admin = DriverManager.getConnection(ADMIN); Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }

    /** MariaDB 10.11 on 127.0.0.1:3306, root without password. */
    private static final class MariaDb extends TestDatabase {
        private static final String ADMIN = "jdbc:mariadb://127.0.0.1:3306/test?user=root&sslMode=disable";
        private final List<String> databases = new ArrayList<>();

        MariaDb() {
            super(3306);
            create(connectStartingIfNeeded("MariaDB", ADMIN, "start-stop-daemon", "--start", "--oknodo",
                    "--background", "--exec", "/usr/sbin/mariadbd"), "MariaDB");
            databases.add(name);
        }

        @Override
        protected String urlAt(int port, String options) {
            return "jdbc:mariadb://127.0.0.1:" + port + "/" + name + "?user=root&sslMode=disable" + options;
        }

        @Override
        protected String timeouts(int socketTimeoutSeconds) {
            return "&connectTimeout=5000&socketTimeout=" + socketTimeoutSeconds * 1000;
        }

        @Override
        public javax.sql.DataSource dataSource() throws SQLException {
            return new org.mariadb.jdbc.MariaDbDataSource(url());
        }

        @Override
        public String schemaName(String base) {
            return name + "_" + base;
        }

        @Override
        public void createSchema(String schema) throws SQLException {
            execute("CREATE DATABASE " + schema);
            databases.add(schema);
        }

        @Override
        public String defaultSchema() {
            return name;
        }

        /** MariaDB lists sequences as tables of type SEQUENCE. */
        @Override
        public Set<String> sequences(String schema) throws SQLException {
            return names("SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'SEQUENCE'",
                    schema);
        }

        @Override
        protected void drop() throws SQLException {
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
    private static final class H2 extends TestDatabase {
        private final org.h2.tools.Server server;

        private H2(org.h2.tools.Server server) {
            super(server.getPort());
            this.server = server;
        }

        @Override
        protected String urlAt(int port, String options) {
            return "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:" + name + ";DB_CLOSE_DELAY=-1" + options;
        }

        /** H2's TCP client has no network timeouts to set. */
        @Override
        protected String timeouts(int socketTimeoutSeconds) {
            return "";
        }

        @Override
        public javax.sql.DataSource dataSource() {
            org.h2.jdbcx.JdbcDataSource dataSource = new org.h2.jdbcx.JdbcDataSource();
            dataSource.setURL(url());
            return dataSource;
        }

        @Override
        public String defaultSchema() {
            return "PUBLIC";
        }

        @Override
        public String catalogName(String name) {
            return name.toUpperCase(Locale.ROOT);
        }

        @Override
        protected void drop() {
            try {
                execute("SHUTDOWN");
            } catch (SQLException e) {
                // the connection ends with the database: expected
            }
            server.stop();
        }
    }
}
