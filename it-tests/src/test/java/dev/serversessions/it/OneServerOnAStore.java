package dev.serversessions.it;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Teardown;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * A test class's one server on a store of the class's own: started by the class, stopped with
 * it, and the stores it started closed after it, in order, even when it failed to start.
 */
abstract class OneServerOnAStore {
    private static AppServer started;
    private static final List<AutoCloseable> stores = new ArrayList<>();

    /**
     * Starts the server under test ({@link #server()}) with {@code runtime}; {@code stores} are
     * closed after it, in this order, even when it fails to start.
     */
    protected static AppServer startServer(AppServer.Launcher runtime, String name, Map<String, String> env,
                                           AutoCloseable... stores) {
        OneServerOnAStore.stores.addAll(List.of(stores));
        started = runtime.start(name, env);
        return started;
    }

    @AfterAll
    static void stopServer() throws Exception {
        List<AppServer> servers = started == null ? List.of() : List.of(started);
        started = null;
        Teardown.serversThenStores(servers, stores);
    }

    /** The running server, configured for the backend under test: the one {@link #startServer} started. */
    protected AppServer server() {
        return started;
    }

    protected Browser browser() {
        return new Browser(server());
    }
}
