package dev.serversessions.internal.codec;

/** Stored bytes could not be turned back into a value; the session is then treated as empty. */
public class UndecodableAttributeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UndecodableAttributeException(String name, Throwable cause) {
        super("attribute '" + name + "' cannot be decoded: " + cause, cause);
    }
}
