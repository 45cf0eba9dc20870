package dev.serversessions.it.support;

import java.util.List;

/** The end of a test class that started servers on stores of its own. */
public final class Teardown {
    private Teardown() {
    }

    /**
     * Stops the servers, then closes the stores they used, in order (a store closed first would
     * leave a server failing its last requests); {@code stores} is left empty.
     */
    public static void serversThenStores(List<AppServer> servers, List<AutoCloseable> stores) throws Exception {
        servers.forEach(AppServer::close);
        for (AutoCloseable store : stores) {
            store.close();
        }
        stores.clear();
    }
}
