package dev.serversessions.bench;

import java.nio.file.Path;
import java.util.Map;

/**
 * One configuration of the test WAR to load: the store it needs and the SESSION_* settings that
 * point at it.
 */
interface LoadTarget {
    String name();

    /** Starts the store (if the benchmark must run one) and says how to reach it. */
    Started start() throws Exception;

    default String cookieName() {
        return "session";
    }

    /** The WAR to serve: null for the test WAR of this build. */
    default Path war() {
        return null;
    }

    /** A running store and the settings of the WAR that uses it. */
    record Started(Map<String, String> env, AutoCloseable store) implements AutoCloseable {
        static Started without(Map<String, String> env) {
            return new Started(env, () -> { });
        }

        @Override
        public void close() throws Exception {
            store.close();
        }
    }
}
