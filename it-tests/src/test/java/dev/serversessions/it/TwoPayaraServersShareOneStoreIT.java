package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.FacesCounter;
import dev.serversessions.it.support.PayaraMicro;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Payara Micro instances on different ports sharing one filesystem session directory (a
 * shared volume, in production; a network store such as Redis works the same way).
 */
class TwoPayaraServersShareOneStoreIT extends SharedFileSystemContract {
    @BeforeAll
    static void start() {
        startOnFiles(PayaraMicro::start, PayaraMicro::start, "shared", Map.of("SESSION_SECRET_KEY", SECRET_KEY));
    }

    /** Both servers' key: each reads the Faces state the other sealed. */
    private static final String SECRET_KEY = "a-long-random-secret-for-the-sealed-faces-state-of-this-test";

    /**
     * An unchanged Faces page (server-side state saving, the Faces default) behind a load balancer
     * without sticky sessions: each postback goes to the other server, which restores the view the
     * other one saved and its {@code @ViewScoped} bean, and no response sets JSESSIONID.
     */
    @Test
    void aFacesViewPostedBackToEachServerInTurnKeepsCounting() {
        FacesCounter view = FacesCounter.open(new Browser(a()));
        for (int i = 1; i <= 6; i++) {
            assertEquals(i, view.on(i % 2 == 1 ? b() : a()).increment(), "postback " + i + " to " + (i % 2 == 1 ? "B" : "A"));
        }
    }
}
