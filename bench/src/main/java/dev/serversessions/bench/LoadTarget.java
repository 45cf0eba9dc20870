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

    /**
     * Whether this target serves a plain WAR ({@link PlainWars}): no sessions to fill, only the
     * scenario of a request that uses none.
     */
    default boolean plain() {
        return false;
    }

    /** The target whose throughput is 100% for this one's: the container's session, or for a plain WAR the same WAR without the jar. */
    default String baseline() {
        return LoadTargets.CONTAINER;
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
