package dev.serversessions.internal.session;

import dev.serversessions.internal.metrics.SessionMetrics;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs each undecodable session once, by the tag of its id, however often it is requested, and
 * counts every request that meets one.
 */
final class UndecodableSessionLog {
    private static final int MAX_REMEMBERED = 10_000;
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private UndecodableSessionLog() {
    }

    static void report(String sessionTag, RuntimeException problem, Logger log, SessionMetrics metrics) {
        metrics.undecodable();
        if (REPORTED.size() >= MAX_REMEMBERED) {
            REPORTED.clear();
        }
        if (REPORTED.add(sessionTag)) {
            log.log(Level.WARNING, "Session " + sessionTag + " holds data that cannot be decoded ("
                    + problem.getMessage() + "); the request continues with an empty session", problem);
        }
    }
}
