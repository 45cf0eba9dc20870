package dev.serversessions.internal.session;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ids this server renamed (regenerate) or deleted (invalidate) a short while ago, with the id a
 * renamed session moved to, all as private ids ({@link SessionIds#privateId}: what the store and
 * a listing of the owner index know). Ids are random and never reused, so an id in here is dead
 * for good; the entries only need to outlive requests still in flight with the old cookie.
 *
 * <p>It lets a request that loaded a session before another request retired its id avoid
 * handing that dead id back to the browser (which would overwrite the new cookie and log the
 * user out right after login), and lets an invalidate follow a rename it raced with. It costs
 * no store call; requests served by another server rely on the store's answer alone.
 */
final class RetiredIds {
    /** Longer than any request that could still carry the old cookie should take. */
    private static final long KEEP_NANOS = 120_000_000_000L;
    private static final int MOST = 100_000;

    /** How an id was retired: {@code movedTo} is the new id after a rename, null after a delete. */
    record Retired(String movedTo, long atNanos) {
    }

    private final Map<String, Retired> retired = new ConcurrentHashMap<>();

    void renamed(String oldId, String newId) {
        remember(oldId, new Retired(newId, System.nanoTime()));
    }

    void deleted(String id) {
        remember(id, new Retired(null, System.nanoTime()));
    }

    /** How {@code id} was retired, or null if this server has not retired it lately. */
    Retired find(String id) {
        Retired entry = retired.get(id);
        return entry == null || System.nanoTime() - entry.atNanos() > KEEP_NANOS ? null : entry;
    }

    /**
     * The id a session known as {@code id} moved to through renames made at or after
     * {@code sinceNanos}, or null if it did not move since then.
     */
    String lastMoveSince(String id, long sinceNanos) {
        String current = id;
        for (int hops = 0; hops < 16; hops++) {
            Retired entry = find(current);
            if (entry == null || entry.movedTo() == null || entry.atNanos() - sinceNanos < 0) {
                return current.equals(id) ? null : current;
            }
            current = entry.movedTo();
        }
        return current;
    }

    private void remember(String id, Retired entry) {
        if (retired.size() >= MOST) {
            long now = System.nanoTime();
            for (Iterator<Retired> it = retired.values().iterator(); it.hasNext(); ) {
                if (now - it.next().atNanos() > KEEP_NANOS) {
                    it.remove();
                }
            }
            if (retired.size() >= MOST) {
                return; // a flood of retirements: fall back on the store's answer alone
            }
        }
        retired.put(id, entry);
    }
}
