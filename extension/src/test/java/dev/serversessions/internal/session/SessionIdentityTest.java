package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.testsupport.PrivateIds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which session a request has, and the store calls that rename, store and delete it, on a real filesystem store. */
class SessionIdentityTest {
    private SessionRuntime runtime;
    private SessionBackend backend;

    @BeforeEach
    void store(@TempDir Path dir) {
        runtime = RequestParts.runtime(dir);
        backend = runtime.activeBackend();
    }

    private SessionIdentity identity(String requestedId) {
        return new SessionIdentity(runtime.ids(), runtime.retiredIds(), requestedId,
                requestedId == null ? RequestSession.IdSource.NONE : RequestSession.IdSource.COOKIE, false);
    }

    private static ChangeSet newSession() {
        Instant now = Instant.now();
        return new ChangeSet(Map.of("a", "1".getBytes(StandardCharsets.UTF_8)), Set.of(), now, now.plus(Duration.ofHours(1)), true);
    }

    /** A stored session, as a later request with its cookie finds it. */
    private SessionIdentity stored() {
        SessionIdentity first = identity(null);
        first.insert(backend, newSession());
        SessionIdentity later = identity(first.storedId());
        later.found(backend.load(PrivateIds.of(first.storedId())).orElseThrow());
        return later;
    }

    @Test
    void aNewSessionGetsItsIdOnlyWhenStored() {
        SessionIdentity identity = identity(null);
        assertNull(identity.idIfAny());

        identity.insert(backend, newSession());

        assertEquals(identity.idIfAny(), identity.storedId());
        assertTrue(backend.load(PrivateIds.of(identity.storedId())).isPresent());
    }

    @Test
    void aRegenerateRenamesTheStoredSessionAtSaveAndRetiresTheOldId() {
        SessionIdentity identity = stored();
        String old = identity.storedId();

        identity.regenerate();
        assertTrue(identity.renamePending());
        assertEquals(old, identity.storedId(), "the store knows it by its old id until the save");
        assertTrue(identity.rename(backend));

        assertFalse(identity.renamePending());
        assertNotEquals(old, identity.storedId());
        assertTrue(backend.load(PrivateIds.of(old)).isEmpty());
        assertTrue(backend.load(PrivateIds.of(identity.storedId())).isPresent());
    }

    @Test
    void aRequestThatLoadedTheSessionBeforeAnotherRenamedItSeesTheRename() {
        SessionIdentity renaming = stored();
        SessionIdentity other = identity(renaming.storedId());
        other.found(backend.load(PrivateIds.of(renaming.storedId())).orElseThrow());

        renaming.regenerate();
        renaming.rename(backend);

        assertTrue(other.storedRenamedElsewhere());
        assertTrue(other.storedRetiredElsewhere());
        other.regenerate();
        assertFalse(other.rename(backend), "the entry it would rename is gone");
    }

    @Test
    void aRequestWhoseSessionWasRenamedBeforeItLoadedKnowsWhyItFoundNothing() {
        SessionIdentity renaming = stored();
        String old = renaming.storedId();
        renaming.regenerate();
        renaming.rename(backend);

        SessionIdentity late = identity(old);
        late.startNew(true); // the store had nothing for its cookie

        assertTrue(late.requestedRenamedElsewhere());
    }

    @Test
    void anUpdateOrTouchOfASessionAnotherRequestDeletedReportsItGone() {
        SessionIdentity identity = stored();
        identity(identity.storedId()).deleteFollowingRenames(backend, identity.storedId());
        Instant now = Instant.now();

        assertFalse(identity.update(backend, Map.of("b", new byte[] {'2'}), Set.of(), now, now.plusSeconds(60)));
        assertFalse(identity.touch(backend, now.plusSeconds(60)));
    }

    @Test
    void anInvalidateEndsTheSessionUnderTheIdARaceOfThisServerGaveItMeanwhile() {
        SessionIdentity loggingOut = stored();
        String old = loggingOut.storedId();
        SessionIdentity loggingIn = identity(old);
        loggingIn.found(backend.load(PrivateIds.of(old)).orElseThrow());
        loggingIn.regenerate();
        loggingIn.rename(backend);

        loggingOut.deleteFollowingRenames(backend, old);

        assertTrue(backend.load(PrivateIds.of(loggingIn.storedId())).isEmpty(), "the logout wins over the login it raced with");
    }

    @Test
    void theIdIsAnsweredWhereTheClientCarriesIt() {
        SessionIdentity cookie = new SessionIdentity(runtime.ids(), runtime.retiredIds(), "x", RequestSession.IdSource.COOKIE, true);
        SessionIdentity header = new SessionIdentity(runtime.ids(), runtime.retiredIds(), "x", RequestSession.IdSource.HEADER, true);
        SessionIdentity none = new SessionIdentity(runtime.ids(), runtime.retiredIds(), null, RequestSession.IdSource.NONE, true);
        SessionIdentity headerOff = new SessionIdentity(runtime.ids(), runtime.retiredIds(), null, RequestSession.IdSource.NONE, false);

        assertTrue(cookie.answersInCookie() && !cookie.answersInHeader());
        assertTrue(!header.answersInCookie() && header.answersInHeader());
        assertTrue(none.answersInCookie() && none.answersInHeader());
        assertTrue(headerOff.answersInCookie() && !headerOff.answersInHeader());
    }
}
