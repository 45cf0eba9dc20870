package dev.serversessions.bench;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.StoredSession;
import dev.serversessions.bench.LoadBenchmark.Scenario;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.internal.session.SessionIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How the cost of a request grows with the number of sessions a store holds (issue 29): one
 * store at a time behind Payara Micro (the test WAR, JVM defaults), filled to each population in
 * turn (10k, 100k, 1M; the filesystem to 100k) by this run's own backend of the same store and
 * keys, with copies of one 1 kB session the server created ({@code /httpsession/fill}), each under
 * an id of its own and live for 31 days. At each population: what the store itself reports
 * holding, then wrk reads and writes spread over {@link #SAMPLE} sessions drawn at random from
 * the whole population (so that the requests reach all of it, not the first sessions written),
 * each warmed until two windows agree within 5%, then three windows: median and spread. On the
 * stores without expiry of their own (SQL, filesystem) the largest population also gets a tenth
 * more sessions that expire, and a read window runs while this run's backend purges them, as any
 * server's scheduled purge would (the server's own purge is kept off: {@code
 * SESSION_CLEANUP_N_REQUESTS} of two billion).
 *
 * <p>Arguments: seconds per window (default 10), then the stores (default redis sqlalchemy mongodb
 * filesystem). {@code bench.capacitySizes}: the populations (default 10000,100000,1000000).
 */
public final class Capacity {
    /** Sessions the requests of one population are spread over, drawn from all of it. */
    static final int SAMPLE = 4096;
    private static final int FILL_THREADS = 8;
    /** Logins of one user among the largest population ({@code bench.userSessions}, 0 for none). */
    private static final int USER_SESSIONS = Integer.getInteger("bench.userSessions", 10_000);
    private static final Duration LIFETIME = Duration.ofDays(31);

    private Capacity() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<String> stores = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : CapacityStore.NAMES;
        List<Integer> sizes = Arrays.stream(System.getProperty("bench.capacitySizes", "10000,100000,1000000").split(","))
                .map(String::trim).map(Integer::valueOf).sorted().toList();
        int maxWarmupWindows = Integer.getInteger("bench.maxWarmupWindows", 8);
        Duration window = Duration.ofSeconds(seconds);
        StringBuilder report = new StringBuilder("Payara Micro JVM flags: "
                + (PayaraMicro.jvmOptions().isEmpty() ? "none (the JVM's defaults)" : String.join(" ", PayaraMicro.jvmOptions()))
                + "; Java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors() + " cores. Load: "
                + Wrk.DESCRIPTION + ", spread over " + SAMPLE + " sessions drawn from the whole population; " + seconds
                + " s windows, warmed until two agree within 5% (at most " + maxWarmupWindows + "), then 3 windows: median (spread).\n\n"
                + "| store | sessions | filled in | store holds | request | req/s | spread | p50 | p99 (each window's) | errors | warm-up "
                + "| the store's own counts over the 3 windows |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder purges = new StringBuilder();
        StringBuilder users = new StringBuilder();
        long started = System.nanoTime();
        for (String name : stores) {
            try (CapacityStore store = CapacityStore.start(name);
                 PayaraMicro server = PayaraMicro.start("capacity-" + name, serverEnv(store));
                 SessionBackend backend = store.backend()) {
                String templateId = template(server);
                StoredSession template = backend.load(SessionIds.privateId(templateId))
                        .orElseThrow(() -> new IllegalStateException("the run's backend does not find the server's session"));
                Population population = new Population(store, backend, templateId, template.attributes());
                population.add(templateId);
                for (int size : sizes) {
                    if (size > store.maxSessions) {
                        continue;
                    }
                    long fillStarted = System.nanoTime();
                    population.fillTo(size, Instant.now().plus(LIFETIME), true);
                    String filled = seconds(System.nanoTime() - fillStarted);
                    String settled = store.settle();
                    if (!settled.isEmpty()) {
                        filled += " (" + settled + ")";
                    }
                    String holds = store.footprint(population.size());
                    System.out.println("== " + name + " " + size + " sessions (filled in " + filled + "): " + holds);
                    List<String> cookies = population.sample(SAMPLE);
                    for (Scenario scenario : List.of(Scenario.READ_SPREAD, Scenario.WRITE_SPREAD)) {
                        LoadBenchmark.WarmUp warmUp = LoadBenchmark.warmUp(server, scenario, false, cookies, window, maxWarmupWindows);
                        List<Wrk.Measurement> runs = new ArrayList<>();
                        Map<String, Long> before = store.calls();
                        store.resetStalls();
                        StoreCallTimes timesBefore = StoreCallTimes.of(server);
                        CpuUse cpuBefore = store.cpu(server.pid());
                        for (int i = 0; i < 3; i++) {
                            runs.add(Wrk.run(server, scenario, false, cookies, window));
                        }
                        CpuUse cpuAfter = store.cpu(server.pid());
                        long requests = Math.round(runs.stream().mapToDouble(Wrk.Measurement::requestsPerSecond).sum() * seconds);
                        String storeSide = CapacityStore.storeSide(before, store.calls())
                                + "; " + cpuAfter.since(cpuBefore, requests)
                                + "; " + StoreCallTimes.of(server).since(timesBefore, scenario.writes() ? "save" : "load");
                        String stalls = store.stalls();
                        if (!stalls.isEmpty()) {
                            storeSide += "; " + stalls;
                        }
                        LoadBenchmark.Result r = LoadBenchmark.Result.of(name, name, scenario, 1024, runs, warmUp);
                        String row = String.format("| %s | %,d | %s | %s | %s | %.0f | %.0f–%.0f | %s | %s (%s) | %d | %s | %s |", name, size,
                                filled, holds, scenario.writes() ? "write one attribute" : "read one attribute", r.requestsPerSecond(),
                                r.min(), r.max(), r.p50(), r.p99(), String.join(", ", runs.stream().map(Wrk.Measurement::p99).toList()),
                                r.errors(), warmUp, storeSide);
                        System.out.println(row);
                        report.append(row).append('\n');
                    }
                    if (size == sizes.stream().filter(s -> s <= store.maxSessions).reduce((a, b) -> b).orElseThrow() && USER_SESSIONS > 0) {
                        users.append(new CapacityUser(server).measure(store, USER_SESSIONS)).append('\n');
                    }
                    if (store.purges && size == sizes.stream().filter(s -> s <= store.maxSessions).reduce((a, b) -> b).orElseThrow()) {
                        purges.append(purgeUnderLoad(server, backend, population, size / 10, cookies, window)).append('\n');
                    }
                }
            }
        }
        if (!purges.isEmpty()) {
            report.append("\n| store | sessions | expired sessions purged | purge took | read p99 before | read p99 during the purge | req/s during |\n"
                    + "|---|---|---|---|---|---|---|\n").append(purges);
        }
        if (!users.isEmpty()) {
            report.append("\nOne user (alice) with " + String.format("%,d", USER_SESSIONS) + " sessions among the largest population:\n\n"
                    + "| store | logins | her list (GET /api/my-sessions) | log out everywhere (POST /api/my-sessions/revoke-all) | "
                    + "one of her old cookies after it |\n|---|---|---|---|---|\n").append(users);
        }
        report.append("\nThe whole run took ").append(seconds(System.nanoTime() - started)).append(".\n");
        System.out.println(report);
        Path out = Path.of(System.getProperty("it.workDir", "target")).resolve("capacity-results.md");
        Files.writeString(out, report);
        System.out.println("written to " + out);
    }

    /** The store's keys; where the library purges, the server's own purge off, so that the run times the only purge. */
    private static Map<String, String> serverEnv(CapacityStore store) {
        Map<String, String> env = new java.util.HashMap<>(store.env());
        if (store.purges) {
            env.put("SESSION_CLEANUP_N_REQUESTS", "2000000000");
            // the test WAR has session listeners: with the sweep on, the server would claim (and announce) each expired
            // session itself and the purge would find none; this measures the purge of an application without listeners
            env.put("SESSION_EXPIRY_SWEEP_INTERVAL", "0");
        }
        return env;
    }

    /** A 1 kB session created by the server itself ({@code k=v} and a blob): the stored form every copy repeats. */
    private static String template(PayaraMicro server) throws java.io.IOException {
        Browser browser = new Browser(server, "session");
        Browser.Response response = browser.get("/httpsession/fill?bytes=1024");
        if (response.status() != 200 || browser.cookie().isEmpty()) {
            throw new IllegalStateException("no session from the server: " + response);
        }
        return browser.cookie().get();
    }

    /**
     * A window of reads with {@code expired} sessions past their expiry, during which this run's
     * backend purges them; beside it the p99 of a window just before, with nothing to purge.
     */
    private static String purgeUnderLoad(PayaraMicro server, SessionBackend backend, Population population, int expired,
                                         List<String> cookies, Duration window) throws Exception {
        Wrk.Measurement before = Wrk.run(server, Scenario.READ_SPREAD, false, cookies, window);
        Instant soon = Instant.now().plusSeconds(5);
        population.fillTo(population.size() + expired, soon, false);
        while (Instant.now().isBefore(soon.plusSeconds(1))) {
            Thread.sleep(200);
        }
        ExecutorService purger = Executors.newSingleThreadExecutor();
        try {
            Future<long[]> purge = purger.submit(() -> {
                Thread.sleep(1000); // the window is under way
                long t = System.nanoTime();
                int removed = backend.purgeExpired();
                return new long[] {removed, System.nanoTime() - t};
            });
            Wrk.Measurement during = Wrk.run(server, Scenario.READ_SPREAD, false, cookies, window);
            long[] done = purge.get();
            String row = String.format("| %s | %,d | %,d of %,d | %s | %s | %s | %.0f (before: %.0f) |", backend.describe(), population.size(),
                    done[0], expired, seconds(done[1]), before.p99(), during.p99(), during.requestsPerSecond(), before.requestsPerSecond());
            System.out.println(row);
            return row;
        } finally {
            purger.shutdownNow();
        }
    }

    private static String seconds(long nanos) {
        return String.format("%.1f s", nanos / 1e9);
    }

    /** The sessions written so far, and the ids the live ones have (a sample of requests draws from them). */
    private static final class Population {
        private static final int BATCH = 2000;
        /** SESSION_KEY_PREFIX's default, which the servers and this run keep. */
        private static final String KEY_PREFIX = "session:";
        private final CapacityStore store;
        private final SessionBackend backend;
        private final String templateId;
        private final Map<String, byte[]> attributes;
        private final SessionIds ids = new SessionIds(32, null);
        private final List<String> live = java.util.Collections.synchronizedList(new ArrayList<>());
        private int size;

        Population(CapacityStore store, SessionBackend backend, String templateId, Map<String, byte[]> attributes) {
            this.store = store;
            this.backend = backend;
            this.templateId = templateId;
            this.attributes = attributes;
        }

        void add(String id) {
            live.add(id);
            size++;
        }

        int size() {
            return size;
        }

        /** Writes new sessions until there are {@code target}, on {@link #FILL_THREADS} threads. */
        void fillTo(int target, Instant expires, boolean keep) throws Exception {
            int missing = target - size;
            if (missing <= 0) {
                return;
            }
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(FILL_THREADS);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < FILL_THREADS; t++) {
                    workers.add(pool.submit(() -> {
                        List<String> mine = new ArrayList<>();
                        int first;
                        while ((first = next.getAndAdd(BATCH)) < missing) {
                            List<String> batch = new ArrayList<>();
                            for (int i = first; i < Math.min(missing, first + BATCH); i++) {
                                batch.add(ids.generate());
                            }
                            write(batch, expires);
                            if (keep) {
                                mine.addAll(batch);
                            }
                        }
                        live.addAll(mine);
                        return null;
                    }));
                }
                for (Future<?> worker : workers) {
                    worker.get();
                }
            } finally {
                pool.shutdown();
            }
            size = target;
        }

        /** New sessions under {@code batch}: copied in bulk where the store does that, else through the backend one by one. */
        private void write(List<String> batch, Instant expires) throws Exception {
            if (store.copy(KEY_PREFIX + SessionIds.privateId(templateId), batch.stream().map(id -> KEY_PREFIX + SessionIds.privateId(id)).toList(),
                    expires)) {
                return;
            }
            for (String id : batch) {
                Instant now = Instant.now();
                if (!backend.apply(SessionIds.privateId(id), new ChangeSet(attributes, Set.of(), now, expires, true))) {
                    throw new IllegalStateException("the store refused a new session");
                }
            }
        }

        /** Cookies of {@code count} distinct live sessions drawn at random from all of them. */
        List<String> sample(int count) {
            List<String> all = new ArrayList<>(live);
            List<String> cookies = new ArrayList<>();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < Math.min(count, all.size()); i++) {
                int j = i + random.nextInt(all.size() - i);
                java.util.Collections.swap(all, i, j);
                cookies.add("session=" + ids.cookieValue(all.get(i)));
            }
            return cookies;
        }
    }
}
