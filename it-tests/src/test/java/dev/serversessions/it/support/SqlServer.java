package dev.serversessions.it.support;

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
 * A database of the test's own on one of the machine's shared database servers (PostgreSQL 15
 * on 5432, MariaDB 10.11 on 3306), reached by the application through a {@link TcpProxy} that
 * the test cuts for an outage: the shared server itself is never stopped. A server that does
 * not answer is started once; if it still does not answer the test fails saying so.
 */
public abstract class SqlServer implements AutoCloseable {
    protected final String name = "ss_it_" + Long.toString(System.nanoTime(), 36);
    protected final List<String> schemas = new ArrayList<>();
    private final TcpProxy proxy;

    private SqlServer(int serverPort) {
        this.proxy = TcpProxy.to("127.0.0.1", serverPort);
    }

    /** A new database on the machine's PostgreSQL. */
    public static SqlServer postgres() {
        return new Postgres();
    }

    /** A new database on the machine's MariaDB. */
    public static SqlServer mariaDb() {
        return new MariaDb();
    }

    /** The JDBC URL the application uses: through the proxy, with short network timeouts. */
    public abstract String applicationUrl();

    /** The JDBC URL of the database straight to the server, for the test's own checks. */
    public abstract String directUrl();

    /** The schema a table lands in without SESSION_SQLALCHEMY_SCHEMA. */
    public abstract String defaultSchema();

    /** A schema name unique to this test (MariaDB's schemas are databases, shared by every test). */
    public String schemaName(String base) {
        return base;
    }

    /** Creates a schema (MariaDB: a database), dropped with the database. */
    public abstract void createSchema(String schema) throws SQLException;

    public TcpProxy proxy() {
        return proxy;
    }

    /** Base tables of a schema, lower-cased, from information_schema. */
    public Set<String> tables(String schema) throws SQLException {
        return names("SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'", schema);
    }

    /** Sequences of a schema, lower-cased, from information_schema. */
    public abstract Set<String> sequences(String schema) throws SQLException;

    /** A single number from a query on the database. */
    public long count(String sql, Object... parameters) throws SQLException {
        try (Connection connection = DriverManager.getConnection(directUrl());
                PreparedStatement statement = connection.prepareStatement(sql)) {
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
        try (Connection connection = DriverManager.getConnection(directUrl());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    protected void execute(String url, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    @Override
    public void close() {
        proxy.close();
    }

    static void connectStartingIfNeeded(String what, String adminUrl, String... start) {
        try (Connection connection = DriverManager.getConnection(adminUrl)) {
            return;
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
                try (Connection connection = DriverManager.getConnection(adminUrl)) {
                    return;
                } catch (SQLException e) {
                    last = e;
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            throw new AssertionError(what + " does not answer at " + adminUrl + " (" + last.getMessage()
                    + "), not even after running " + String.join(" ", start) + ": " + output, last);
        }
    }

    private static final class Postgres extends SqlServer {
        private static final String ADMIN = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

        Postgres() {
            super(5432);
            String[] versions = new File("/etc/postgresql").list();
            connectStartingIfNeeded("PostgreSQL", ADMIN, "pg_ctlcluster", "--skip-systemctl-redirect",
                    versions == null || versions.length == 0 ? "15" : versions[0], "main", "start");
            try {
                execute(ADMIN, "CREATE DATABASE " + name);
            } catch (SQLException e) {
                throw new AssertionError("cannot create the test database " + name + " on PostgreSQL: " + e, e);
            }
        }

        @Override
        public String applicationUrl() {
            return "jdbc:postgresql://127.0.0.1:" + proxy().port() + "/" + name + "?user=postgres&connectTimeout=5&socketTimeout=15";
        }

        @Override
        public String directUrl() {
            return "jdbc:postgresql://127.0.0.1:5432/" + name + "?user=postgres";
        }

        @Override
        public String defaultSchema() {
            return "public";
        }

        @Override
        public void createSchema(String schema) throws SQLException {
            execute(directUrl(), "CREATE SCHEMA " + schema);
        }

        @Override
        public Set<String> sequences(String schema) throws SQLException {
            return names("SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = ?", schema);
        }

        @Override
        public void close() {
            super.close();
            try {
                execute(ADMIN, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop the test database " + name, e);
            }
        }
    }

    private static final class MariaDb extends SqlServer {
        private static final String ADMIN = "jdbc:mariadb://127.0.0.1:3306/test?user=root&sslMode=disable";

        MariaDb() {
            super(3306);
            connectStartingIfNeeded("MariaDB", ADMIN, "start-stop-daemon", "--start", "--oknodo", "--background",
                    "--exec", "/usr/sbin/mariadbd");
            try {
                execute(ADMIN, "CREATE DATABASE " + name);
            } catch (SQLException e) {
                throw new AssertionError("cannot create the test database " + name + " on MariaDB: " + e, e);
            }
        }

        @Override
        public String applicationUrl() {
            return "jdbc:mariadb://127.0.0.1:" + proxy().port() + "/" + name + "?user=root&sslMode=disable&connectTimeout=5000&socketTimeout=15000";
        }

        @Override
        public String directUrl() {
            return "jdbc:mariadb://127.0.0.1:3306/" + name + "?user=root&sslMode=disable";
        }

        @Override
        public String defaultSchema() {
            return name;
        }

        @Override
        public String schemaName(String base) {
            return name + "_" + base;
        }

        @Override
        public void createSchema(String schema) throws SQLException {
            execute(ADMIN, "CREATE DATABASE " + schema);
            schemas.add(schema);
        }

        /** MariaDB lists sequences as tables of type SEQUENCE. */
        @Override
        public Set<String> sequences(String schema) throws SQLException {
            return names("SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'SEQUENCE'", schema);
        }

        @Override
        public void close() {
            super.close();
            try {
                execute(ADMIN, "DROP DATABASE IF EXISTS " + name);
                for (String schema : schemas) {
                    execute(ADMIN, "DROP DATABASE IF EXISTS " + schema);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop the test database " + name, e);
            }
        }
    }
}
