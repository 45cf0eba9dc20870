package dev.serversessions.internal.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.session.SessionRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An application that produces its own SessionBackend: injection and requests use it. */
@EnableWeld
class ApplicationBackendTest {

    /** A deliberately simple store of the application's own, kept in a map. */
    static final class MapBackend implements SessionBackend {
        final Map<String, StoredSession> sessions = new ConcurrentHashMap<>();

        @Override
        public Optional<StoredSession> load(String id) {
            return Optional.ofNullable(sessions.get(id));
        }

        @Override
        public boolean apply(String id, ChangeSet changes) {
            sessions.put(id, new StoredSession(changes.put(), changes.created(), changes.expires()));
            return true;
        }

        @Override
        public void delete(String id) {
            sessions.remove(id);
        }

        @Override
        public boolean touch(String id, Instant expires) {
            return sessions.containsKey(id);
        }

        @Override
        public boolean changeId(String oldId, String newId) {
            StoredSession s = sessions.remove(oldId);
            return s != null && sessions.put(newId, s) == null;
        }

        @Override
        public int purgeExpired() {
            return 0;
        }

        @Override
        public String describe() {
            return "the application's own map";
        }

        @Override
        public void close() {
        }
    }

    static final class Producer {
        @Produces
        @ApplicationScoped
        MapBackend backend() {
            return new MapBackend();
        }
    }

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(WeldInitiator.createWeld()
                    .addExtension(new ServerSessionExtension())
                    .addBeanClasses(ApplicationBackendTest.class, Producer.class)
                    .disableDiscovery())
            .activate(RequestScoped.class)
            .build();

    @Inject
    SessionBackend backend;

    @BeforeAll
    @AfterAll
    static void reset() {
        SessionRuntime.shutdown();
    }

    @Test
    void theApplicationsBackendIsInjectedAndUsedByRequests() {
        assertEquals("the application's own map", backend.describe());
        assertEquals("the application's own map", SessionRuntime.forApplication().activeBackend().describe());
    }
}
