package dev.serversessions.internal.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.internal.session.SessionRuntime;
import jakarta.enterprise.context.SessionScoped;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CDI container whose session context is not Weld's servlet one (Weld SE has none): the
 * deployment goes on, {@code @SessionScoped} beans keep the container's behaviour, and the log
 * says so once, naming them.
 */
class SessionScopedWithoutHttpContextTest {
    @TempDir
    static Path dir;

    @SessionScoped
    public static class Preferences implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    @BeforeAll
    static void configure() {
        System.setProperty("SESSION_FILE_DIR", dir.resolve("store").toString());
        SessionRuntime.shutdown();
    }

    @AfterAll
    static void reset() {
        System.clearProperty("SESSION_FILE_DIR");
        SessionRuntime.shutdown();
    }

    @Test
    void withoutWeldsHttpSessionContextTheBeansStayWithTheContainerAndTheLogSaysSoOnce() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(ServerSessionExtension.class.getName());
        logger.addHandler(capture);
        try (WeldContainer container = new Weld().disableDiscovery().addExtension(new ServerSessionExtension())
                .addBeanClasses(Preferences.class).initialize()) {
            assertTrue(container.isRunning());
        } finally {
            logger.removeHandler(capture);
        }
        List<String> said = records.stream().map(LogRecord::getMessage).filter(m -> m.contains("@SessionScoped")).toList();
        assertEquals(1, said.size(), said.toString());
        assertTrue(said.get(0).contains(Preferences.class.getName()) && said.get(0).contains("stay in the container's session"),
                said.get(0));
    }
}
