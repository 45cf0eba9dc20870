package dev.serversessions.it;

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
                "PERMANENT_SESSION_LIFETIME", "-5"));
        assertTrue(log.contains("SESSION_FILE_MODE=0999 is not an octal file mode (e.g. 0600)"), log);
        assertTrue(log.contains("SESSION_COOKIE_SAMESITE=Loose is not one of Strict, Lax, None"), log);
        assertTrue(log.contains("PERMANENT_SESSION_LIFETIME=-5 must be a whole number of at least 1"), log);
    }
}
