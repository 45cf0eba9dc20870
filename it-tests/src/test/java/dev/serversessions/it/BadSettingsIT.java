package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.PayaraMicro;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad settings fail the deployment, with every problem named, in a real runtime. */
class BadSettingsIT {

    @Test
    void badValuesFailTheDeploymentListingEveryProblem() throws Exception {
        String log = PayaraMicro.startExpectingDeploymentFailure("bad-settings", Map.of(
                "SESSION_TYPE", "filesystem",
                "SESSION_FILE_MODE", "0999",
                "SESSION_COOKIE_SAMESITE", "Loose",
                "SESSION_ID_HEADER", "Set-Cookie",
                "PERMANENT_SESSION_LIFETIME", "-5"));
        for (String problem : new String[] {
                "SESSION_FILE_MODE=0999 is not an octal file mode (e.g. 0600)",
                "SESSION_COOKIE_SAMESITE=Loose is not one of Strict, Lax, None",
                "SESSION_ID_HEADER=Set-Cookie is a header HTTP, proxies or browsers already use (hop-by-hop, cookie, or not"
                        + " settable by scripts); use a name of its own, e.g. X-Session-Id",
                "PERMANENT_SESSION_LIFETIME=-5 must be a whole number of at least 1"}) {
            // once: Payara prints a deployment failure's message four times, so the message
            // names only the keys and the problems are in one log line of the library's own
            assertEquals(1, occurrences(log, problem), problem + " in:\n" + log);
        }
        assertTrue(log.matches("(?s).*Invalid server session settings \\[[A-Z_, ]*SESSION_FILE_MODE[A-Z_, ]*\\]: each problem is in the SEVERE"
                + " log line of dev.serversessions above.*"), log);
    }

    private static int occurrences(String text, String piece) {
        int count = 0;
        for (int at = text.indexOf(piece); at >= 0; at = text.indexOf(piece, at + 1)) {
            count++;
        }
        return count;
    }

    @Test
    void aBadRedisUrlAndAShortSecretKeyFailTheDeploymentWithoutShowingEitherSecret() throws Exception {
        String password = "Pw/S3@c:r;e%tX";
        String key = "too-short-key";
        String log = PayaraMicro.startExpectingDeploymentFailure("bad-secrets", Map.of(
                "SESSION_TYPE", "redis",
                "SESSION_REDIS", "redis://alice:" + password + "@127.0.0.1:6379/0",
                "SESSION_USE_SIGNER", "true",
                "SESSION_SECRET_KEY", key));
        assertTrue(log.contains("SESSION_REDIS=redis://***@127.0.0.1:6379/0 has an '@' in its user or password; write it as %40"), log);
        assertTrue(log.contains("SESSION_SECRET_KEY is 13 bytes long; it must be at least 32 random bytes:"
                + " generate one with: openssl rand -base64 48"), log);
        assertNoPiece(password, log);
        assertFalse(log.contains(key), "the key never reaches the log");
    }

    @Test
    void aJdbcUrlWithABadPasswordFailsTheDeploymentWithoutShowingIt() throws Exception {
        String password = "Pw/S3@c:r;e%tX";
        String log = PayaraMicro.startExpectingDeploymentFailure("bad-jdbc-password", Map.of(
                "SESSION_TYPE", "sqlalchemy",
                "SESSION_SQLALCHEMY", "jdbc:postgresql://127.0.0.1:5432/app?user=alice&password=" + password));
        assertTrue(log.contains("SESSION_SQLALCHEMY=jdbc:postgresql://127.0.0.1:5432/app?user=alice&password=*** has a '%'"), log);
        assertNoPiece(password, log);
    }

    /** Fails if the log holds any three characters of the password in a row. */
    private static void assertNoPiece(String password, String log) {
        for (int i = 0; i + 3 <= password.length(); i++) {
            String piece = password.substring(i, i + 3);
            int at = log.indexOf(piece);
            assertTrue(at < 0, "'" + piece + "' of the password in the log: "
                    + (at < 0 ? "" : log.substring(Math.max(0, at - 300), Math.min(log.length(), at + 100))));
        }
    }
}
