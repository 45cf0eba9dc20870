package dev.serversessions.internal.backend.jpa;

import java.sql.Driver;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the backend needs to know about a JDBC URL: its driver, and how to log it safely. */
final class JdbcUrls {
    /**
     * A password option: up to the next '&' after a '?' or '&' (PostgreSQL, MariaDB, MySQL),
     * up to the next ';' after a ';' (SQL Server, H2), or a SQL Server {braced value}. Any option
     * whose name ends in password counts (sslpassword, trustStorePassword, ...).
     */
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile(
            "(?i)([?&][A-Za-z.]*(?:password|pwd)=)[^&]*|(;[A-Za-z.]*(?:password|pwd)=)(?:\\{(?:[^}]|\\}\\})*\\}|[^;]*)");
    /** {@code //user:password@host}: the password runs to the last '@', which no host or option holds. */
    private static final Pattern USER_INFO = Pattern.compile("(?s)//([^/@:]*):.*@");
    /** {@code jdbc:oracle:thin:user/password@host}, likewise to the last '@'. */
    private static final Pattern ORACLE_THIN = Pattern.compile("(?is)(:thin:[^/@:]*)/.*@");

    private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private JdbcUrls() {
    }

    /** The URL with any password replaced by {@code ***}, for logs and messages. */
    static String redact(String url) {
        String redacted = PASSWORD_PARAMETER.matcher(url).replaceAll(m -> Matcher.quoteReplacement((m.group(1) != null ? m.group(1) : m.group(2)) + "***"));
        redacted = USER_INFO.matcher(redacted).replaceAll("//$1:***@");
        return ORACLE_THIN.matcher(redacted).replaceAll("$1/***@");
    }

    /**
     * The driver's own connect, login and read timeouts, set to {@code seconds}, as properties
     * for {@code Driver.connect}. Left alone, PostgreSQL's driver reads forever and MariaDB's
     * and MySQL's connect for 30 s and read forever, so a database that stops answering would
     * hold a request (and the backend's start-up, which others wait for) far past the timeout.
     * A value the URL sets itself wins, as the drivers read URL parameters over properties.
     */
    static Properties driverTimeouts(String url, int seconds) {
        String u = url.toLowerCase(Locale.ROOT);
        String millis = String.valueOf(seconds * 1000L);
        String secs = String.valueOf(seconds);
        Properties timeouts = new Properties();
        if (u.startsWith("jdbc:postgresql:")) {
            timeouts.setProperty("connectTimeout", secs);
            timeouts.setProperty("loginTimeout", secs);
            timeouts.setProperty("socketTimeout", secs);
        } else if (u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:")) {
            timeouts.setProperty("connectTimeout", millis);
            timeouts.setProperty("socketTimeout", millis);
        } else if (u.startsWith("jdbc:sqlserver:")) {
            timeouts.setProperty("loginTimeout", secs);
            timeouts.setProperty("socketTimeout", millis);
        } else if (u.startsWith("jdbc:oracle:")) {
            timeouts.setProperty("oracle.net.CONNECT_TIMEOUT", millis);
            timeouts.setProperty("oracle.jdbc.ReadTimeout", millis);
        }
        return timeouts;
    }

    /**
     * Whether the URL's parameters hold a '%' that starts no %XX escape where the driver
     * percent-decodes them (PostgreSQL): that driver would log the undecodable value, which may
     * be the password, and then refuse the URL anyway.
     */
    static boolean hasBadEscape(String url) {
        int query = url.indexOf('?');
        if (!url.regionMatches(true, 0, "jdbc:postgresql:", 0, 16) || query < 0) {
            return false;
        }
        return BAD_ESCAPE.matcher(url.substring(query)).find();
    }

    /**
     * The class of the driver in {@code loader} that accepts {@code url}. Drivers are found through
     * the service loader of the application's class loader, not the DriverManager: in a server the
     * DriverManager registered its drivers long before the WAR's own were visible, and refuses
     * drivers its caller's class loader cannot see (EclipseLink's, when Payara provides it).
     */
    static Optional<String> driverClass(String url, ClassLoader loader) {
        Iterator<Driver> drivers = ServiceLoader.load(Driver.class, loader).iterator();
        while (true) {
            try {
                if (!drivers.hasNext()) {
                    break;
                }
                Driver driver = drivers.next();
                // Drivers log the URL they are asked about (PostgreSQL's at FINE, whichever
                // driver's URL it is): only the prefix decides, so they see it without secrets.
                if (driver.acceptsURL(redact(url))) {
                    return Optional.of(driver.getClass().getName());
                }
            } catch (SQLException | ServiceConfigurationError | LinkageError e) {
                // a driver that cannot judge the URL, or a broken driver jar, must not hide a working one
            }
        }
        return Optional.empty();
    }
}
