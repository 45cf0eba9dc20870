package dev.serversessions.it;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Teardown;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;

/**
 * Two servers behind an imaginary load balancer, one session store: the contracts about what
 * one node does and the other sees extend this; a thin subclass names the two runtimes (any
 * pair of {@link AppServer.Launcher}s, the same runtime twice or two different ones) and the
 * store, in a static {@code @BeforeAll} that calls {@link #startPair}.
 */
abstract class TwoNodesOnOneStore {
    private static AppServer first;
    private static AppServer second;
    private static final List<AutoCloseable> stores = new ArrayList<>();

    /**
     * Starts node A ({@code name-a}) with {@code runtimeA} and node B ({@code name-b}) with
     * {@code runtimeB}, both with {@code env}; {@code store} (null: none) is closed after them.
     */
    protected static void startPair(AppServer.Launcher runtimeA, AppServer.Launcher runtimeB, String name,
                                    Map<String, String> env, AutoCloseable store) {
        startPair(runtimeA, runtimeB, name, env, env, store);
    }

    /** As {@link #startPair(AppServer.Launcher, AppServer.Launcher, String, Map, AutoCloseable)}, each node with its own settings. */
    protected static void startPair(AppServer.Launcher runtimeA, AppServer.Launcher runtimeB, String name,
                                    Map<String, String> envA, Map<String, String> envB, AutoCloseable store) {
        if (store != null) {
            stores.add(store);
        }
        first = runtimeA.start(name + "-a", envA);
        second = runtimeB.start(name + "-b", envB);
    }

    @AfterAll
    static void stopPair() throws Exception {
        List<AppServer> servers = Stream.of(first, second).filter(Objects::nonNull).toList();
        first = null;
        second = null;
        Teardown.serversThenStores(servers, stores);
    }

    /** The first node. */
    protected AppServer a() {
        return first;
    }

    /** The second node, on the same store. */
    protected AppServer b() {
        return second;
    }
}
