package dev.serversessions.it.support;

/** Makes a test's store unreachable and brings it back, the way a real outage would. */
public interface StoreOutage {
    void begin() throws Exception;

    void end() throws Exception;

    /** Whether sessions written before the outage are still there after it. */
    default boolean keepsData() {
        return true;
    }
}
