package dev.serversessions.internal.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.Backend;
import dev.serversessions.api.ServerSession;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionType;
import dev.serversessions.internal.session.CurrentSession;
import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.session.SessionRuntime;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import java.nio.file.Path;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extension in a real CDI container (Weld SE), configured through MicroProfile Config. */
@EnableWeld
class ServerSessionExtensionTest {
    @TempDir
    static Path dir;

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(WeldInitiator.createWeld()
                    .addExtension(new ServerSessionExtension())
                    .addBeanClass(ServerSessionExtensionTest.class)
                    .disableDiscovery())
            .activate(RequestScoped.class)
            .build();

    @Inject
    ServerSession session;

    @Inject
    SessionBackend backend;

    @Inject
    @Backend(SessionType.FILESYSTEM)
    SessionBackend filesystem;

    @Inject
    BeanManager beans;

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
    void serverSessionIsTheCurrentRequestsSession() {
        RequestSession current = SessionRuntime.forApplication().open(null);
        CurrentSession.set(current);
        try {
            session.put("greeting", "hello");
            assertEquals("hello", current.get("greeting"));
        } finally {
            CurrentSession.clear();
        }
    }

    @Test
    void outsideARequestTheSessionSaysWhy() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> session.get("x"));
        assertTrue(e.getMessage().contains("only while an HTTP request passes through"), e.getMessage());
    }

    @Test
    void theConfiguredBackendIsInjectableQualifiedAndNot() {
        assertTrue(backend.describe().startsWith("filesystem " + dir.resolve("store")), backend.describe());
        assertEquals(backend.describe(), filesystem.describe());
        assertSame(SessionRuntime.forApplication().backend(SessionType.FILESYSTEM), SessionRuntime.forApplication().activeBackend());
    }

    @Test
    void aBackendIsOfferedForEveryTypeWhoseClientIsPresent() {
        for (SessionType type : SessionType.values()) {
            boolean present = type.isAvailable(getClass().getClassLoader());
            assertEquals(present, !beans.getBeans(SessionBackend.class, Backend.Literal.of(type)).isEmpty(), type.name());
        }
    }
}
