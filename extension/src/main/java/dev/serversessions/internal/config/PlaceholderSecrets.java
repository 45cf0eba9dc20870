package dev.serversessions.internal.config;

import java.util.Locale;
import java.util.Set;

/**
 * Keys that are the text of an example rather than a secret: the README's
 * {@code change-me-to-a-long-random-string} is long enough to pass the length check, and whoever
 * copied it signs cookies with a key everyone can read. A random key never reads as words.
 */
final class PlaceholderSecrets {
    /** The rule, as deployment errors and docs/security.md ("Secrets") state it. */
    static final String RULE = "one character repeated, or only words such as change, me, secret, key, password, example, test"
            + " and digits, with any punctuation";

    /**
     * The README's example split into its words, and the words placeholders are made of
     * ({@code changeme}, {@code your-secret-key-here}, {@code secretsecret...}, {@code xxxx...}).
     */
    private static final Set<String> WORDS = Set.of("change", "me", "to", "a", "long", "random", "string", "secret", "key",
            "your", "my", "the", "here", "password", "passwd", "pass", "it", "replace", "this", "with", "example", "test",
            "default", "insecure", "dummy", "placeholder", "todo", "fixme", "x", "s", "session", "signing", "signer", "hmac",
            "value", "app", "application", "not", "set", "some", "super", "very", "top", "private");

    private PlaceholderSecrets() {
    }

    /**
     * Whether {@code key}, lowercased and with everything but letters and digits dropped, is
     * empty, one character repeated, or splits entirely into {@link #WORDS} and runs of digits.
     */
    static boolean isPlaceholder(String key) {
        StringBuilder kept = new StringBuilder();
        key.toLowerCase(Locale.ROOT).codePoints().filter(Character::isLetterOrDigit).forEach(kept::appendCodePoint);
        String text = kept.toString();
        if (text.codePoints().distinct().count() <= 1) {
            return true;
        }
        // splits[i]: text[0, i) is words and digit runs; a key is at most a few hundred characters
        boolean[] splits = new boolean[text.length() + 1];
        splits[0] = true;
        for (int end = 1; end <= text.length(); end++) {
            for (int start = end - 1; start >= 0 && !splits[end]; start--) {
                String part = text.substring(start, end);
                splits[end] = splits[start] && (WORDS.contains(part) || part.chars().allMatch(Character::isDigit));
            }
        }
        return splits[text.length()];
    }
}
