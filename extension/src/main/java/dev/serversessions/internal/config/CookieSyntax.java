package dev.serversessions.internal.config;

/** The character rules of RFC 6265 for cookie names and attribute values. */
final class CookieSyntax {
    private static final String SEPARATORS = "()<>@,;:\\\"/[]?={} \t";

    private CookieSyntax() {
    }

    static boolean isToken(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c > 0x20 && c < 0x7f && SEPARATORS.indexOf(c) < 0);
    }

    static boolean isAttributeValue(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ';' && c != ',');
    }
}
