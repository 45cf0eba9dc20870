package dev.serversessions.internal.backend.mongodb;

/**
 * Turns attribute names into field names that MongoDB can address in an update path, and back.
 *
 * <p>An update addresses an attribute as {@code attributes.<field>}: a {@code .} inside the name
 * would make it a deeper path, a leading {@code $} an operator, NUL ends the C string on the
 * server, and an empty name makes an empty path component; a lone UTF-16 surrogate cannot be
 * written as UTF-8 at all. Those characters are percent-encoded ({@code %2E}, {@code %24},
 * {@code %00}, {@code %uD800}), {@code %} itself as {@code %25} so decoding is unambiguous,
 * and the empty name is a lone {@code %}, which no encoded name can be. Every other name is
 * stored as it is, so documents stay readable in a shell.
 */
final class FieldNames {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private FieldNames() {
    }

    /** The field name that stores attribute {@code name}. */
    static String encode(String name) {
        if (name.isEmpty()) {
            return "%";
        }
        StringBuilder field = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            String escape = escape(name, i, c);
            if (escape != null && field == null) {
                field = new StringBuilder(name.length() + 8).append(name, 0, i);
            }
            if (field != null) {
                field.append(escape != null ? escape : String.valueOf(c));
            }
        }
        return field == null ? name : field.toString();
    }

    private static String escape(String name, int i, char c) {
        switch (c) {
            case '%', '.', '$', '\0' -> {
                return "%" + HEX[c >> 4] + HEX[c & 0xF];
            }
            default -> {
                boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < name.length()
                        && Character.isLowSurrogate(name.charAt(i + 1));
                boolean pairedLow = Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(name.charAt(i - 1));
                if (Character.isSurrogate(c) && !pairedHigh && !pairedLow) {
                    return "%u" + HEX[c >> 12] + HEX[(c >> 8) & 0xF] + HEX[(c >> 4) & 0xF] + HEX[c & 0xF];
                }
                return null;
            }
        }
    }

    /**
     * The attribute name stored in {@code field}.
     *
     * @throws IllegalArgumentException if {@code field} is not the encoding of any name (written
     *                                  by someone else)
     */
    static String decode(String field) {
        if (field.equals("%")) {
            return "";
        }
        int percent = field.indexOf('%');
        if (percent < 0) {
            return field;
        }
        StringBuilder name = new StringBuilder(field.length()).append(field, 0, percent);
        int i = percent;
        while (i < field.length()) {
            char c = field.charAt(i);
            if (c != '%') {
                name.append(c);
                i++;
            } else if (i + 1 < field.length() && field.charAt(i + 1) == 'u') {
                name.append((char) hex(field, i + 2, 4));
                i += 6;
            } else {
                name.append((char) hex(field, i + 1, 2));
                i += 3;
            }
        }
        return name.toString();
    }

    private static int hex(String field, int from, int digits) {
        if (from + digits > field.length()) {
            throw new IllegalArgumentException("field '" + field + "' ends inside an escape");
        }
        int value = 0;
        for (int i = from; i < from + digits; i++) {
            int digit = Character.digit(field.charAt(i), 16);
            if (digit < 0) {
                throw new IllegalArgumentException("field '" + field + "' has a bad escape at " + (from - 1));
            }
            value = value * 16 + digit;
        }
        return value;
    }
}
