package dev.serversessions.internal.backend.jpa;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver for {@code jdbc:counting:<url without jdbc:>} that hands out the real driver's
 * connections and records every statement executed and every commit, so a test can count what
 * the backend sends to the database per request. Registered for tests only
 * (META-INF/services/java.sql.Driver in the test resources).
 */
public final class CountingDriver implements Driver {
    private static final String PREFIX = "jdbc:counting:";
    private static final List<String> EXECUTED = new ArrayList<>();

    static {
        try {
            DriverManager.registerDriver(new CountingDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The counting form of a real JDBC URL. */
    static String counting(String url) {
        return PREFIX + url.substring("jdbc:".length());
    }

    /** What was executed since the last call, statements as SQL text, plus COMMIT and ROLLBACK. */
    static synchronized List<String> takeExecuted() {
        List<String> executed = List.copyOf(EXECUTED);
        EXECUTED.clear();
        return executed;
    }

    private static synchronized void record(String what) {
        EXECUTED.add(what);
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        Connection real = DriverManager.getConnection("jdbc:" + url.substring(PREFIX.length()), info);
        return proxy(Connection.class, real, (proxy, method, args) -> {
            switch (method.getName()) {
                case "commit" -> record("COMMIT");
                case "rollback" -> record("ROLLBACK");
                default -> {
                }
            }
            Object result = invoke(real, method, args);
            if (result instanceof PreparedStatement statement && method.getName().startsWith("prepare")) {
                String sql = (String) args[0];
                Class<? extends Statement> type = result instanceof CallableStatement ? CallableStatement.class : PreparedStatement.class;
                return proxy(type, statement, (p, m, a) -> {
                    if (m.getName().startsWith("execute")) {
                        record(sql);
                    }
                    return invoke(statement, m, a);
                });
            }
            if (result instanceof Statement statement && method.getName().equals("createStatement")) {
                return proxy(Statement.class, statement, (p, m, a) -> {
                    if (m.getName().startsWith("execute") && a != null && a.length > 0 && a[0] instanceof String sql) {
                        record(sql);
                    }
                    return invoke(statement, m, a);
                });
            }
            return result;
        });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static <T> T proxy(Class<T> type, Object target, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(CountingDriver.class.getClassLoader(), new Class<?>[] {type}, handler));
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }
}
