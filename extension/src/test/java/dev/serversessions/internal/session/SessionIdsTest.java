package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionIdsTest {
    private final SessionIds unsigned = new SessionIds(32, null);
    private final SessionIds signed = new SessionIds(32, "a secret key for tests");

    /**
     * The key a store holds a session under: the tests' own account of the rule ({@code PrivateIds})
     * agrees, it is made of id characters whatever the id's length, and neither it nor a log tag
     * contains the id.
     */
    @Test
    void thePrivateIdIsAOneWayFunctionOfTheIdMadeOfIdCharacters() {
        for (SessionIds ids : new SessionIds[] {unsigned, new SessionIds(16, null), new SessionIds(64, null)}) {
            String id = ids.generate();
            String privateId = SessionIds.privateId(id);
            assertEquals(dev.serversessions.testsupport.PrivateIds.of(id), privateId);
            assertEquals(dev.serversessions.testsupport.PrivateIds.of(ids.cookieValue(id)), privateId);
            assertTrue(privateId.matches(dev.serversessions.internal.backend.SessionKeys.ID_CHARACTERS), privateId);
            assertEquals(43, privateId.length());
            assertFalse(privateId.contains(id) || id.contains(privateId));
            assertEquals(privateId, SessionIds.privateId(id), "the same id, the same key on every server");
            assertEquals(SessionIds.privateLogTag(privateId), SessionIds.logTag(id), "one tag per session, wherever it is logged");
        }
        assertEquals(dev.serversessions.testsupport.PrivateIds.of(signed.cookieValue("x".repeat(43))), SessionIds.privateId("x".repeat(43)),
                "a signed cookie's private id is its id's");
    }

    @Test
    void idsAre43Base64UrlCharactersFor32Bytes() {
        String id = unsigned.generate();
        assertEquals(43, id.length());
        assertTrue(id.matches("[A-Za-z0-9_-]{43}"));
        assertEquals(64, new SessionIds(48, null).generate().length());
    }

    @Test
    void idsDoNotRepeat() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(ids.add(unsigned.generate()));
        }
    }

    @Test
    void onlyWellFormedIdsAreAccepted() {
        String id = unsigned.generate();
        assertEquals(Optional.of(id), unsigned.idFromCookie(id));
        for (String bad : new String[] {"", id.substring(1), id + "A", id.substring(1) + "+", id.substring(1) + "/",
                id.substring(1) + "=", "../../etc/passwd", null}) {
            assertFalse(unsigned.idFromCookie(bad).isPresent(), String.valueOf(bad));
        }
    }

    @Test
    void signedCookiesCarryAnHmacThatIsChecked() {
        String id = signed.generate();
        String cookie = signed.cookieValue(id);
        assertTrue(cookie.startsWith(id + "."));
        assertEquals(Optional.of(id), signed.idFromCookie(cookie));

        assertFalse(signed.idFromCookie(id).isPresent(), "an unsigned id is rejected when signing is on");
        String tampered = cookie.substring(0, cookie.length() - 1) + (cookie.endsWith("A") ? "B" : "A");
        assertFalse(signed.idFromCookie(tampered).isPresent());
        String otherId = signed.generate();
        assertFalse(signed.idFromCookie(otherId + cookie.substring(id.length())).isPresent(), "signature of another id");
        assertFalse(new SessionIds(32, "another key").idFromCookie(cookie).isPresent());
    }

    @Test
    void logTagsHideTheId() {
        String id = unsigned.generate();
        String tag = SessionIds.logTag(id);
        assertFalse(tag.contains(id.substring(0, 8)));
        assertEquals(tag, SessionIds.logTag(id));
        assertNotEquals(tag, SessionIds.logTag(unsigned.generate()));
    }
}
