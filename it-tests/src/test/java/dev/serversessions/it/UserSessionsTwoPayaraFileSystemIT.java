package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** A user's sessions on two Payara Micro instances (two JVMs) sharing one session directory. */
class UserSessionsTwoPayaraFileSystemIT extends UserSessionsContract {
    @BeforeAll
    static void start() {
        startWithLimit(PayaraMicro::start, PayaraMicro::start, "owners-files", Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", FileSystemSessionContract.newSessionDirectory().toString()), null);
    }
}
