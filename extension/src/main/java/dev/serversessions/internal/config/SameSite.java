package dev.serversessions.internal.config;

/** The cookie's SameSite attribute, as written in {@code Set-Cookie}. */
public enum SameSite {
    STRICT("Strict"), LAX("Lax"), NONE("None");

    private final String attributeValue;

    SameSite(String attributeValue) {
        this.attributeValue = attributeValue;
    }

    /** The value as the cookie carries it. */
    public String attributeValue() {
        return attributeValue;
    }
}
