package dev.serversessions.bench;

import java.util.Map;

/**
 * One configuration of the test WAR to load: its SESSION_* settings, the cookie it answers
 * with, and the store process it needs.
 */
interface LoadTarget {
    String name();

    Map<String, String> env();

    default String cookieName() {
        return "session";
    }

    /** Starts the store this target needs, if the benchmark must start one. */
    default AutoCloseable startStore() throws Exception {
        return () -> { };
    }

    static LoadTarget of(String name, Map<String, String> env) {
        return new LoadTarget() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Map<String, String> env() {
                return env;
            }
        };
    }
}
