package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.SessionConflictException;
import dev.serversessions.api.SessionStoreUnavailableException;
import org.junit.jupiter.api.Test;

/** A request refused its session stays refused, with the same answer at every later save. */
class SessionRefusalTest {
    @Test
    void nothingRefusedThrowsNothing() {
        SessionRefusal refusal = new SessionRefusal();

        refusal.throwIfStoreFailed();
        refusal.throwIfConflict();
    }

    @Test
    void aStoreFailureIsThrownAgainAtEverySave() {
        SessionRefusal refusal = new SessionRefusal();
        SessionStoreUnavailableException failure = new SessionStoreUnavailableException("store down", null);

        refusal.storeFailed(failure);

        assertSame(failure, assertThrows(SessionStoreUnavailableException.class, refusal::throwIfStoreFailed));
        assertSame(failure, assertThrows(SessionStoreUnavailableException.class, refusal::throwIfStoreFailed));
    }

    @Test
    void aLostRaceIsAConflictThatSaysWhatHappenedAndWhatToDo() {
        SessionRefusal refusal = new SessionRefusal();

        SessionConflictException conflict = refusal.conflict("ab12", "was invalidated by another request");

        assertTrue(conflict.getMessage().contains("was invalidated by another request")
                && conflict.getMessage().contains("Retry the request with the current session cookie"), conflict.getMessage());
        assertSame(conflict, assertThrows(SessionConflictException.class, refusal::throwIfConflict));
        refusal.throwIfStoreFailed(); // a conflict is not a store failure: 409, not 503
    }
}
