package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.testsupport.PrivateIds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bean instances a session keeps for the CDI contexts ({@link SessionBeans}), reached as
 * those contexts reach them, through their request's session, on a real filesystem store.
 */
class SessionBeansTest {
    private static final String CART = "shop.Cart";

    @TempDir
    Path dir;

    /** A stored session holding only a cart bean with {@code items}: its id. */
    private static String sessionWithACartBean(SessionRuntime runtime, String... items) {
        RequestSession first = runtime.open(null);
        first.beans().put(CART, new ArrayList<>(List.of(items)));
        return first.save().id();
    }

    @Test
    void anInstanceIsBackInTheNextRequestAsOneHiddenAttributeNamedAfterItsBean() {
        SessionRuntime runtime = RequestParts.runtime(dir);
        String id = sessionWithACartBean(runtime, "book");

        RequestSession next = runtime.open(id);
        assertEquals(List.of("book"), next.beans().get(CART));
        assertEquals(Set.of(), next.names(), "not one of the application's attributes");
        assertFalse(next.contains(RequestSession.BEAN_PREFIX + CART));
        assertEquals(List.of("book"), next.get(RequestSession.BEAN_PREFIX + CART));
        assertNull(next.beans().get("shop.Wishlist"));
    }

    /** Weld lists a conversation's attributes to load or destroy its beans: the keys under a prefix, read or not. */
    @Test
    void theKeysUnderAPrefixAreListedWhetherReadOrNot() {
        SessionRuntime runtime = RequestParts.runtime(dir);
        RequestSession first = runtime.open(null);
        first.beans().put("conversation:1#a", "x");
        first.beans().put("conversation:1#b", "y");
        first.beans().put(CART, new ArrayList<>());
        String id = first.save().id();

        RequestSession next = runtime.open(id);
        assertEquals(Set.of("conversation:1#a", "conversation:1#b"), next.beans().keys("conversation:"));
        next.beans().put("conversation:2#a", "z");
        next.beans().remove("conversation:1#b");
        assertEquals(Set.of("conversation:1#a", "conversation:2#a"), next.beans().keys("conversation:"));
        assertEquals(Set.of(), runtime.open(null).beans().keys("conversation:"), "a new session has none");
    }

    @Test
    void changesToTheFieldsOfAnInstanceReadReachTheStore() {
        SessionRuntime runtime = RequestParts.runtime(dir);
        String id = sessionWithACartBean(runtime, "book");

        RequestSession shop = runtime.open(id);
        @SuppressWarnings("unchecked")
        List<String> cart = (List<String>) shop.beans().get(CART);
        cart.add("pen");
        assertEquals(0, shop.modifications(), "a change in place is found by the save, not counted");
        shop.save();

        assertEquals(List.of("book", "pen"), runtime.open(id).beans().get(CART));
    }

    @Test
    void anInstanceTheCodecRefusesIsRefusedAtOnceWithTheSessionUntouched() {
        SessionRuntime runtime = RequestParts.runtime(dir);
        RequestSession session = runtime.open(null);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> session.beans().put(CART, new Object()));

        assertTrue(refused.getMessage().contains(CART), refused.getMessage());
        assertFalse(session.isTouched(), "not even loaded");
        assertEquals(0, session.modifications());
        assertEquals(CookieAction.NONE, session.save());
    }

    @Test
    void listenersHearOfTheNewSessionAndNeverOfItsBeans() {
        SessionRuntime runtime = RequestParts.runtime(dir);
        RequestSession session = runtime.open(null);
        HeardEvents heard = HeardEvents.of(session);

        session.beans().put(CART, new ArrayList<>(List.of("book")));
        session.beans().put(CART, new ArrayList<>(List.of("pen")));
        session.beans().remove(CART);

        assertEquals(List.of("created"), heard.calls);
        assertEquals(3, session.modifications(), "each counts, so the save after the response commits runs");
    }

    @Test
    void removingTheOnlyBeanEndsTheSessionAndRemovingAnAbsentOneIsNoError() {
        SessionRuntime runtime = RequestParts.runtime(dir);
        String id = sessionWithACartBean(runtime, "book");

        assertTrue(runtime.activeBackend().load(PrivateIds.of(id)).isPresent(), "stored under its private id");
        RequestSession next = runtime.open(id);
        next.beans().remove("shop.Wishlist");
        next.beans().remove(CART);

        assertEquals(CookieAction.Kind.EXPIRE, next.save().kind(), "nothing left worth keeping");
        assertTrue(runtime.activeBackend().load(PrivateIds.of(id)).isEmpty());
    }
}
