package dev.serversessions.internal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SavedFormRequestTest {

    @Test
    void aPathOfTheApplicationIsWhereTheLoginReturns() {
        assertTrue(SavedFormRequest.isSafe("/admin?next=https://evil.example/&x=//y"));
        assertEquals("/shop/admin?a=1", SavedFormRequest.redirectTarget("/shop", Optional.of("/admin?a=1")));
    }

    @Test
    void anythingElseReturnsToTheApplicationsRoot() {
        for (String other : new String[] {"//evil.example/", "/\\evil.example/", "https://evil.example/", "evil", "",
                "/a\r\nSet-Cookie: x=1", "/a b", "/a\\b", "/" + "a".repeat(SavedFormRequest.MAX_LENGTH)}) {
            assertFalse(SavedFormRequest.isSafe(other), other);
            assertEquals("/shop/", SavedFormRequest.redirectTarget("/shop", Optional.of(other)), other);
        }
        assertEquals("/", SavedFormRequest.redirectTarget("", Optional.empty()));
    }
}
