package dev.serversessions.internal.session;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps the WARNING and SEVERE records of the logger it is added to, for a test to read; as a
 * {@code @RegisterExtension} ({@link #ofRequestSessions()}), it listens during each test itself.
 */
final class WarningCapture extends Handler implements BeforeEachCallback, AfterEachCallback {
    final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger listenedTo;

    WarningCapture() {
        this(null);
    }

    private WarningCapture(Logger listenedTo) {
        this.listenedTo = listenedTo;
    }

    /** Listens to the request sessions' logger during each test of the class that registers it. */
    static WarningCapture ofRequestSessions() {
        return new WarningCapture(Logger.getLogger(RequestSession.class.getName()));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (listenedTo != null) {
            listenedTo.addHandler(this);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (listenedTo != null) {
            listenedTo.removeHandler(this);
        }
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            records.add(record);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
