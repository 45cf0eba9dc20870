package dev.serversessions.it.support;

/** Makes a test's store unreachable and brings it back, the way a real outage would. */
public interface StoreOutage {
    void begin() throws Exception;

    void end() throws Exception;

    /** Whether sessions written before the outage are still there after it. */
    default boolean keepsData() {
        return true;
    }

    /** One step of an outage. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** An outage after which the store still has the sessions of before. */
    static StoreOutage of(Step begin, Step end) {
        return of(begin, end, true);
    }

    static StoreOutage of(Step begin, Step end, boolean keepsData) {
        return new StoreOutage() {
            @Override
            public void begin() throws Exception {
                begin.run();
            }

            @Override
            public void end() throws Exception {
                end.run();
            }

            @Override
            public boolean keepsData() {
                return keepsData;
            }
        };
    }
}
