package dev.serversessions.bench;

import dev.serversessions.bench.LoadBenchmark.Scenario;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.testsupport.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * What a write costs the near cache's coherence as servers are added (issue 29): Payara Micro
 * servers on one Redis, each with {@code SESSION_REDIS_NEAR_CACHE=true}; wrk writes one attribute
 * (spread over 256 sessions) on the first server only, with 1, 2 and 4 servers up. Counted by
 * Redis itself ({@code INFO stats}, {@code INFO commandstats}), per write request: bytes Redis
 * sent (its replies and the invalidation messages it pushes to every server's tracking
 * connection) and commands. The growth from one server to four is the invalidation traffic.
 *
 * <p>Arguments: seconds per window (default 10), servers (default 4).
 */
public final class NearCacheFanout {
    private NearCacheFanout() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int most = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Duration window = Duration.ofSeconds(seconds);
        StringBuilder report = new StringBuilder("Writes of one attribute on server 1 (" + Wrk.DESCRIPTION + ", 256 sessions, "
                + seconds + " s windows after a warm-up of 3), Redis 7.0's own counts per write request:\n\n"
                + "| servers with the near cache | writes/s | bytes Redis sent per write | commands per write | of which |\n"
                + "|---|---|---|---|---|\n");
        List<PayaraMicro> servers = new ArrayList<>();
        try (RedisServer redis = RedisServer.start(PayaraMicro.workDir(), RedisServer.freePort(), "--appendfsync", "everysec")) {
            Map<String, String> env = Map.of("SESSION_TYPE", "redis", "SESSION_REDIS", "redis://127.0.0.1:" + redis.port(),
                    "SESSION_REDIS_NEAR_CACHE", "true");
            servers.add(PayaraMicro.start("fanout-1", env));
            List<String> cookies = new ArrayList<>();
            for (int i = 0; i < LoadBenchmark.SPREAD_SESSIONS; i++) {
                Browser browser = new Browser(servers.get(0), "session");
                browser.get("/httpsession/fill?bytes=1024");
                cookies.add("session=" + browser.cookie().orElseThrow());
            }
            for (int n = 1; n <= most; n *= 2) {
                while (servers.size() < n) {
                    servers.add(PayaraMicro.start("fanout-" + (servers.size() + 1), env));
                }
                for (int w = 0; w < 3; w++) {
                    Wrk.run(servers.get(0), Scenario.WRITE_SPREAD, false, cookies, window);
                }
                Map<String, Long> before = counts(redis);
                Wrk.Measurement m = Wrk.run(servers.get(0), Scenario.WRITE_SPREAD, false, cookies, window);
                Map<String, Long> after = counts(redis);
                double writes = m.requestsPerSecond() * seconds;
                long commands = after.entrySet().stream().filter(e -> e.getKey().startsWith("cmd "))
                        .mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)).sum();
                StringBuilder which = new StringBuilder();
                after.forEach((name, count) -> {
                    long grew = count - before.getOrDefault(name, 0L);
                    if (name.startsWith("cmd ") && grew > writes / 100) {
                        which.append(which.isEmpty() ? "" : ", ").append(name.substring(4)).append(String.format(" %.2f", grew / writes));
                    }
                });
                String row = String.format("| %d | %.0f | %.0f | %.2f | %s |", n, m.requestsPerSecond(),
                        (after.get("net out") - before.get("net out")) / writes, commands / writes, which);
                System.out.println(row);
                report.append(row).append('\n');
            }
        } finally {
            for (PayaraMicro server : servers) {
                server.close();
            }
        }
        System.out.println(report);
        Path out = Path.of(System.getProperty("it.workDir", "target")).resolve("fanout-results.md");
        Files.writeString(out, report);
        System.out.println("written to " + out);
    }

    /** Redis's bytes sent ("net out") and each command's calls ("cmd get"), as counted by Redis. */
    private static Map<String, Long> counts(RedisServer redis) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        try (Jedis admin = redis.admin()) {
            admin.info("stats").lines().filter(l -> l.startsWith("total_net_output_bytes:"))
                    .forEach(l -> counts.put("net out", Long.parseLong(l.substring(l.indexOf(':') + 1).trim())));
            admin.info("commandstats").lines().filter(l -> l.startsWith("cmdstat_")).forEach(l -> counts.put(
                    "cmd " + l.substring("cmdstat_".length(), l.indexOf(':')),
                    Long.parseLong(l.substring(l.indexOf("calls=") + 6, l.indexOf(',', l.indexOf("calls="))))));
        }
        counts.remove("cmd info");
        return counts;
    }
}
