package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.testsupport.PrivateIds;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The caller record and the owner index entry of a session, on a real filesystem store and its owner index. */
class SessionOwnerTest {
    private static final Caller ALICE = new Caller("alice", Set.of("user"));
    private static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    Path dir;

    private SessionRuntime runtime;
    private SessionAttributes attributes;
    private SessionOwner owner;
    /** The id the owner value is signed for, as the request's identity would give it. */
    private String currentId = "id-1";

    @BeforeEach
    void parts() {
        runtime = RequestParts.runtime(dir, "SESSION_SECRET_KEY", "a-long-random-test-secret-of-40-bytes-xxx");
        attributes = RequestParts.attributes(runtime);
        owner = new SessionOwner(attributes, runtime.userSessions(), runtime.recordSigner(), () -> currentId);
    }

    @Test
    void aLoginLeavesACallerRecordThatPassesItsCheckOnlyForTheIdItWasSignedFor() {
        owner.loggedIn(ALICE, "id-1");

        assertEquals(Optional.of(ALICE), owner.caller(attributes.read(AttributeNames.CALLER), "id-1"));
        assertEquals("alice", owner.owner(), "the caller owns the session");
        WarningCapture capture = new WarningCapture();
        Logger log = Logger.getLogger(RequestSession.class.getName());
        log.addHandler(capture);
        try {
            assertEquals(Optional.empty(), owner.caller(attributes.read(AttributeNames.CALLER), "id-2"));
            assertEquals(Optional.empty(), owner.caller(attributes.read(AttributeNames.CALLER), "id-2"));
            assertEquals(1, capture.records.size(), "one line per request, however often it asks");
        } finally {
            log.removeHandler(capture);
        }
    }

    @Test
    void aRegenerateSignsTheCallerRecordAgainForTheNewId() {
        owner.loggedIn(ALICE, "id-1");

        Object ownerBefore = owner.ownerBeforeRename();
        currentId = "id-2";
        owner.renamed(owner.verified(attributes.read(AttributeNames.CALLER), "id-1"), ownerBefore, "id-2");

        assertEquals(Optional.of(ALICE), owner.caller(attributes.read(AttributeNames.CALLER), "id-2"));
        assertEquals("alice", owner.owner(), "the owner is signed again for the new id too");
    }

    @Test
    void aLogoutForgetsTheCallerAndTheOwner() {
        owner.loggedIn(ALICE, "id-1");

        owner.loggedOut();

        assertFalse(owner.holdsCaller());
        assertNull(owner.owner());
    }

    @Test
    void theIndexIsDueForANewOwnerOrANewIdOrAnEntryAboutToRunOutAndNotOtherwise() {
        Instant now = Instant.now();
        owner.setOwner("alice", null, () -> { });

        SessionOwner.IndexUpdate first = owner.prepareIndex(true, now, HOUR);
        assertEquals("alice", first.owner());
        assertEquals(now.plus(HOUR).plus(HOUR), first.until(), "twice the lifetime: indexed again about once per lifetime");
        assertEquals(List.of("alice", Long.toString(first.until().toEpochMilli())),
                ((List<?>) attributes.decoded(AttributeNames.OWNER)).subList(0, 2), "the owner and the entry's end, then the MAC");
        owner.saved(null, "id-1", first);
        assertEquals(Set.of(PrivateIds.of("id-1")), runtime.userSessions().index().ids("alice"));

        assertNull(owner.prepareIndex(false, now.plusSeconds(60), HOUR).until(), "steady use leaves the index alone");
        assertNotNull(owner.prepareIndex(false, now.plus(HOUR).plusSeconds(1), HOUR).until(),
                "an entry that would run out before the session's expiry is renewed");
        assertNotNull(owner.prepareIndex(true, now.plusSeconds(60), HOUR).until(), "a new id is indexed");
    }

    @Test
    void aSaveUnderANewIdMovesTheIndexEntryAndADeleteDropsIt() {
        Instant now = Instant.now();
        owner.setOwner("alice", null, () -> { });
        owner.saved(null, "id-1", owner.prepareIndex(true, now, HOUR));

        owner.saved("id-1", "id-2", owner.prepareIndex(true, now, HOUR));
        assertEquals(Set.of(PrivateIds.of("id-2")), runtime.userSessions().index().ids("alice"));

        owner.deleted(owner.storedOwner(), "id-2");
        assertEquals(Set.of(), runtime.userSessions().index().ids("alice"));
    }

    @Test
    void aNewOwnerIsAnnouncedBeforeItIsKept() {
        boolean[] announced = new boolean[1];

        owner.setOwner("bob", null, () -> {
            announced[0] = true;
            assertNull(owner.owner(), "not yet set when the session is announced");
        });

        assertTrue(announced[0]);
        assertEquals("bob", owner.owner());
    }
}
