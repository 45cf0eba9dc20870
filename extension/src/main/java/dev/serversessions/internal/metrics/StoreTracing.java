package dev.serversessions.internal.metrics;

/** Store calls as spans, where the runtime traces; {@link #NONE} elsewhere. */
public interface StoreTracing {
    StoreTracing NONE = new StoreTracing() {
        @Override
        public Object start(StoreOperation operation) {
            return null;
        }

        @Override
        public void end(Object span, RuntimeException failure) {
        }
    };

    /** Starts the span of one store call; null if nothing is traced. */
    Object start(StoreOperation operation);

    /** Ends what {@link #start} returned (null: nothing). */
    void end(Object span, RuntimeException failure);
}
