package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import org.junit.jupiter.api.BeforeAll;

/** The HttpSession battery on the filesystem store, in Payara Micro. */
class HttpSessionApiFileSystemIT extends HttpSessionApiContract {
    @BeforeAll
    static void start() {
        start(PayaraMicro::start, fileSystem());
    }
}
