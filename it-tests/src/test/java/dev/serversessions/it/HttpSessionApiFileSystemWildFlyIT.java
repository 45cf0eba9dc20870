package dev.serversessions.it;

import dev.serversessions.it.support.WildFlyServer;
import org.junit.jupiter.api.BeforeAll;

/** The HttpSession battery on the filesystem store, in WildFly. */
class HttpSessionApiFileSystemWildFlyIT extends HttpSessionApiContract {
    @BeforeAll
    static void start() {
        start(WildFlyServer::start, fileSystem());
    }
}
