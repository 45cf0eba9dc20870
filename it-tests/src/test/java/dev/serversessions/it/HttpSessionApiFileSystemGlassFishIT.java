package dev.serversessions.it;

import dev.serversessions.it.support.GlassFishServer;
import org.junit.jupiter.api.BeforeAll;

/** The HttpSession battery on the filesystem store, in GlassFish. */
class HttpSessionApiFileSystemGlassFishIT extends HttpSessionApiContract {
    @BeforeAll
    static void start() {
        start(GlassFishServer::start, fileSystem());
    }
}
