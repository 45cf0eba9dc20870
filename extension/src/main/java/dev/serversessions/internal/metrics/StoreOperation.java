package dev.serversessions.internal.metrics;

/**
 * The calls the core makes to a {@link dev.serversessions.api.SessionBackend}, named as they
 * appear in {@code db.operation.name}.
 */
public enum StoreOperation {
    LOAD("load"),
    SAVE("save"),
    DELETE("delete"),
    TOUCH("touch"),
    CHANGE_ID("change_id"),
    PURGE("purge"),
    /** A session lock taken ({@code SESSION_LOCKING}); a refusal is a call like any other. */
    LOCK("lock"),
    UNLOCK("unlock");

    private final String operationName;

    StoreOperation(String operationName) {
        this.operationName = operationName;
    }

    /** The value of {@code db.operation.name}. */
    public String operationName() {
        return operationName;
    }
}
