package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.PayaraMicro;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A user's sessions on two Payara Micro instances (two JVMs) sharing one session directory. */
class UserSessionsTwoPayaraFileSystemIT extends UserSessionsContract {
    /** The start of the warning an application with logins and no SESSION_SECRET_KEY logs at start. */
    static final String UNSIGNED_LOGINS = "Logins are kept in the session store without SESSION_SECRET_KEY";

    @BeforeAll
    static void start() {
        startWithLimit(PayaraMicro::start, PayaraMicro::start, "owners-files", Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", FileSystemSessionContract.newSessionDirectory().toString()), null);
    }

    /** These servers have logins (the example's mechanism) and no SESSION_SECRET_KEY: each says so once, at start. */
    @Test
    void withLoginsAndNoSecretKeyEachServerSaysOnceAtStartWhatAStoreWriterCanDoAndHowToSetAKey() {
        for (var server : java.util.List.of(a(), b())) {
            String log = server.log();
            assertEquals(1, Pattern.compile(Pattern.quote(UNSIGNED_LOGINS)).matcher(log).results().count(), log);
            String line = log.substring(log.indexOf(UNSIGNED_LOGINS));
            assertTrue(line.contains("can make any session a login of any user with any role")
                    && line.contains("openssl rand -base64 48"), line);
        }
    }
}
