package dev.serversessions.it;

import dev.serversessions.it.support.LibertyServer;
import org.junit.jupiter.api.BeforeAll;

/** The HttpSession battery on the filesystem store, in Open Liberty. */
class HttpSessionApiFileSystemLibertyIT extends HttpSessionApiContract {
    @BeforeAll
    static void start() {
        start(LibertyServer::start, fileSystem());
    }
}
