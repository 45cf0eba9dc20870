package dev.serversessions.internal.backend.memcached;

import dev.serversessions.internal.session.SessionIds;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.compat.log.AbstractLogger;
import net.spy.memcached.compat.log.Level;
import net.spy.memcached.compat.log.LoggerFactory;

/**
 * spymemcached's log, sent to java.util.logging (the server's log) without session ids.
 *
 * <p>Left alone, spymemcached prints to standard error, and while a node is down it logs the
 * full key of every command it re-routes, at WARN. Keys hold private ids (no cookie can be made
 * of one), but a log is no place for store keys either: every base64url run as long as an id
 * becomes its tag ({@link SessionIds#privateLogTag}, the tag other log lines show), and the
 * warnings a dead node causes once per reconnect attempt are logged at most once per ten
 * seconds per logger.
 */
public final class SpyLogger extends AbstractLogger {
    private static final String PROPERTY = "net.spy.log.LoggerImpl";
    /** The shortest id SESSION_ID_LENGTH allows (16 bytes) is 22 characters. */
    private static final Pattern ID_LIKE = Pattern.compile("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{22,}(?![A-Za-z0-9_-])");
    private static final long WARNING_INTERVAL_NANOS = 10_000_000_000L;
    private static final Map<String, Long> LAST_WARNING = new ConcurrentHashMap<>();

    private final Logger log;

    /** Called by spymemcached's {@link LoggerFactory}, once per logger name. */
    public SpyLogger(String name) {
        super(name);
        this.log = Logger.getLogger(name);
    }

    /**
     * Makes spymemcached's logger factory, in this class loader, build this class, unless the
     * application chose a logger itself ({@code -Dnet.spy.log.LoggerImpl}).
     */
    static synchronized void install() {
        if (System.getProperty(PROPERTY) == null && !(LoggerFactory.getLogger(SpyLogger.class) instanceof SpyLogger)) {
            useThisClass();
        }
    }

    /**
     * Gives the application's client the redaction our own client has. The application may have
     * built it before the backend existed, so spymemcached's logger factory may already have
     * chosen its default logger (standard error, ids in clear), and every part of the client
     * that has logged keeps the logger it got. Unless the application chose a logger itself, the
     * factory is replaced by one that builds this class, and the client's long-lived parts (the
     * client, its connection and nodes: where the warnings of a dead node come from) get one each.
     */
    static synchronized void adopt(MemcachedClient client) {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        if (!(LoggerFactory.getLogger(SpyLogger.class) instanceof SpyLogger) && !useThisClass()) {
            return;
        }
        List<Object> parts = new ArrayList<>();
        parts.add(client);
        parts.add(client.getConnection());
        parts.addAll(client.getConnection().getLocator().getAll()); // the nodes themselves, not read-only copies
        for (Object part : parts) {
            replaceLogger(part);
        }
    }

    /**
     * Puts in place a logger factory that already knows its logger class is this one. The
     * client's threads ask the factory for loggers at any time; a factory they could build
     * themselves in between (spymemcached's {@code init()} when it finds none) would read the
     * system property on its first logger, and with the property unset choose standard error for
     * good. One made ready before it is published leaves no such moment, and no other
     * application of the server ever sees the property set. spymemcached's own {@code init()} may
     * still overwrite it once, if it read "no factory" just before: then it is put again.
     */
    private static boolean useThisClass() {
        try {
            Constructor<LoggerFactory> make = LoggerFactory.class.getDeclaredConstructor();
            make.setAccessible(true);
            LoggerFactory factory = make.newInstance();
            Field constructor = LoggerFactory.class.getDeclaredField("instanceConstructor");
            constructor.setAccessible(true);
            constructor.set(factory, SpyLogger.class.getConstructor(String.class));
            Field instance = LoggerFactory.class.getDeclaredField("instance");
            instance.setAccessible(true);
            for (int attempt = 0; attempt < 3; attempt++) {
                instance.set(null, factory);
                if (LoggerFactory.getLogger(SpyLogger.class) instanceof SpyLogger) {
                    return true;
                }
            }
            throw new IllegalStateException("another factory replaced it three times");
        } catch (ReflectiveOperationException | RuntimeException e) {
            java.util.logging.Logger.getLogger(SpyLogger.class.getName()).warning(() -> "spymemcached's log could not be"
                    + " redirected (" + e + "); its warnings may show session ids: set -D" + PROPERTY + "="
                    + SpyLogger.class.getName());
            return false;
        }
    }

    /** Sets the {@code logger} field spymemcached's base classes (SpyObject, SpyThread) cache. */
    private static void replaceLogger(Object part) {
        for (Class<?> type = part.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field logger = type.getDeclaredField("logger");
                if (logger.getType() == net.spy.memcached.compat.log.Logger.class) {
                    logger.setAccessible(true);
                    if (!(logger.get(part) instanceof SpyLogger)) {
                        logger.set(part, LoggerFactory.getLogger(part.getClass()));
                    }
                    return;
                }
            } catch (NoSuchFieldException e) {
                // declared further up
            } catch (ReflectiveOperationException | RuntimeException e) {
                java.util.logging.Logger.getLogger(SpyLogger.class.getName()).log(java.util.logging.Level.FINE,
                        "the logger of " + part.getClass().getName() + " could not be replaced", e);
                return;
            }
        }
    }

    @Override
    public boolean isTraceEnabled() {
        return log.isLoggable(java.util.logging.Level.FINEST);
    }

    @Override
    public boolean isDebugEnabled() {
        return log.isLoggable(java.util.logging.Level.FINER);
    }

    @Override
    public boolean isInfoEnabled() {
        return log.isLoggable(java.util.logging.Level.FINE);
    }

    @Override
    public void log(Level level, Object message, Throwable error) {
        java.util.logging.Level julLevel = switch (level) {
            case TRACE -> java.util.logging.Level.FINEST;
            case DEBUG -> java.util.logging.Level.FINER;
            case INFO -> java.util.logging.Level.FINE; // connection chatter
            case WARN -> throttled();
            case ERROR, FATAL -> java.util.logging.Level.SEVERE;
        };
        if (log.isLoggable(julLevel)) {
            log.logp(julLevel, getName(), null, redact(String.valueOf(message)), error);
        }
    }

    /** WARNING once per interval per logger, FINE in between. */
    private java.util.logging.Level throttled() {
        long now = System.nanoTime();
        Long last = LAST_WARNING.get(getName());
        if (last == null || now - last >= WARNING_INTERVAL_NANOS) {
            LAST_WARNING.put(getName(), now);
            return java.util.logging.Level.WARNING;
        }
        return java.util.logging.Level.FINE;
    }

    static String redact(String message) {
        Matcher ids = ID_LIKE.matcher(message);
        StringBuilder redacted = new StringBuilder();
        while (ids.find()) {
            ids.appendReplacement(redacted, Matcher.quoteReplacement(SessionIds.privateLogTag(ids.group())));
        }
        ids.appendTail(redacted);
        return redacted.toString();
    }
}
