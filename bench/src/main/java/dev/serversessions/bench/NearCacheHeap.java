package dev.serversessions.bench;

import dev.serversessions.it.HeapSoakIT;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.testsupport.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import redis.clients.jedis.Jedis;

/**
 * What the Redis near cache costs in heap: one Payara Micro on one Redis with
 * {@code SESSION_REDIS_NEAR_CACHE=true} (its default bounds: 10,000 sessions, 64 MB), the heap
 * after a full GC ({@code jcmd GC.run}, {@code jstat -gc}) with the cache empty, after this server
 * read each of {@code count} 1 kB sessions once (so the cache holds them: its own
 * {@code serversessions_near_cache_entries} says how many), and again after Redis flushed them all
 * (the cache drops every copy on the flush's invalidation). Sessions are made through HTTP
 * ({@code /httpsession/fill}), as the load benchmark makes them, so each holds what a real one does.
 *
 * <p>Argument: the number of sessions (default 10,000, the cache's default bound).
 */
public final class NearCacheHeap {
    private static final int THREADS = 4;

    private NearCacheHeap() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        try (RedisServer redis = RedisServer.start(PayaraMicro.workDir(), RedisServer.freePort(), "--appendfsync", "everysec");
             PayaraMicro server = PayaraMicro.start("near-cache-heap", Map.of("SESSION_TYPE", "redis",
                     "SESSION_REDIS", "redis://127.0.0.1:" + redis.port(), "SESSION_REDIS_NEAR_CACHE", "true",
                     "SESSION_REDIS_NEAR_CACHE_SIZE", String.valueOf(Math.max(count, 10_000))))) {
            List<String> cookies = Collections.synchronizedList(new ArrayList<>());
            everyOf(count, i -> {
                Browser browser = new Browser(server);
                Browser.Response filled = browser.get("/httpsession/fill?bytes=1024");
                if (filled.status() != 200 || browser.cookie().isEmpty()) {
                    throw new IllegalStateException("fill: " + filled);
                }
                cookies.add(browser.cookie().get());
            });
            // what this server wrote it does not keep (its own write drops its copy): the cache is empty here
            long empty = HeapSoakIT.heapAfterFullGc(server.pid());
            long entriesBefore = entries(server);
            everyOf(count, i -> {
                Browser.Response read = new Browser(server).withCookie(cookies.get(i)).get("/httpsession/get?name=k");
                if (read.status() != 200) {
                    throw new IllegalStateException("read: " + read);
                }
            });
            long entriesFull = entries(server);
            long full = HeapSoakIT.heapAfterFullGc(server.pid());
            try (Jedis admin = redis.admin()) {
                admin.flushAll();
            }
            Thread.sleep(2000);
            long entriesFlushed = entries(server);
            long flushed = HeapSoakIT.heapAfterFullGc(server.pid());
            String report = String.format("""
                    | state | near cache entries (its own metric) | heap used after a full GC |
                    |---|---|---|
                    | %,d sessions of 1 kB made through this server | %,d | %.1f MB |
                    | after one read of each | %,d | %.1f MB |
                    | after Redis flushed them all | %,d | %.1f MB |

                    Heap per cached session: %,d B (read minus made), %,d B (read minus flushed); per 10,000 sessions %.1f MB.
                    """, count, entriesBefore, empty / 1e6, entriesFull, full / 1e6, entriesFlushed, flushed / 1e6,
                    (full - empty) / Math.max(1, entriesFull - entriesBefore), (full - flushed) / Math.max(1, entriesFull - entriesFlushed),
                    (full - flushed) * 10_000.0 / Math.max(1, entriesFull - entriesFlushed) / 1e6);
            System.out.println(report);
            Path out = Path.of(System.getProperty("it.workDir", "target")).resolve("near-cache-heap.md");
            Files.writeString(out, report);
            System.out.println("written to " + out);
        }
    }

    private static long entries(PayaraMicro server) {
        for (String line : new Browser(server).get("/metrics?scope=application").body().split("\n")) {
            if (line.startsWith("serversessions_near_cache_entries")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new IllegalStateException("the server reports no serversessions_near_cache_entries");
    }

    private interface Step {
        void run(int i) throws Exception;
    }

    /** Runs {@code step} for 0..count-1 on a few threads. */
    private static void everyOf(int count, Step step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int first = t;
                running.add(pool.submit(() -> {
                    for (int i = first; i < count; i += THREADS) {
                        step.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
