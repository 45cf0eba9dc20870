package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The library's own attribute names, and the names the application may not use. */
class AttributeNamesTest {
    @Test
    void aReservedNameIsRefusedNamingThePrefixAndTheName() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> AttributeNames.checkName("__ss:caller"));

        assertTrue(refused.getMessage().contains("'__ss:'") && refused.getMessage().contains("'__ss:caller'"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AttributeNames.checkName(null));
        AttributeNames.checkName("user");
    }

    @Test
    void aLoneSurrogateIsRefusedWithItsIndexAndAPairIsKept() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> AttributeNames.checkUnicode("ab\uD800c"));

        assertTrue(refused.getMessage().contains("\\ud800") && refused.getMessage().contains("index 2"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AttributeNames.checkUnicode("\uDC00"));
        AttributeNames.checkUnicode("emoji \uD83D\uDE00");
    }

    @Test
    void onlyTheApplicationsAttributesBeansCallerAndOwnerKeepASessionAlive() {
        assertTrue(AttributeNames.keepsSessionAlive("user"));
        assertTrue(AttributeNames.keepsSessionAlive(AttributeNames.BEAN_PREFIX + "cart"));
        assertTrue(AttributeNames.keepsSessionAlive(AttributeNames.CALLER));
        assertTrue(AttributeNames.keepsSessionAlive(AttributeNames.OWNER));
        assertFalse(AttributeNames.keepsSessionAlive(AttributeNames.PERMANENT));
        assertFalse(AttributeNames.keepsSessionAlive(AttributeNames.MAX_INACTIVE));
    }

    @Test
    void whatEveryRequestNeedsIsDecodedAtLoadAndNothingElse() {
        assertTrue(AttributeNames.decodedAtLoad(AttributeNames.PERMANENT));
        assertTrue(AttributeNames.decodedAtLoad(AttributeNames.MAX_INACTIVE));
        assertTrue(AttributeNames.decodedAtLoad(AttributeNames.OWNER));
        assertFalse(AttributeNames.decodedAtLoad(AttributeNames.CALLER));
        assertFalse(AttributeNames.decodedAtLoad("user"));
    }
}
