package dev.serversessions.bench;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs wrk against the test WAR on Payara Micro, one store after another, and prints a markdown
 * table. The container's own in-memory HttpSession is the ceiling: the same endpoints are
 * served through {@code request.getSession()}, once by the container and once by the store.
 * Beside the test WAR's endpoints, the example application's own API (the WAR includes it) is
 * measured as users first meet it; its in-memory ceiling is the same API written against
 * {@code HttpSession} ({@code /legacy/session}).
 *
 * <p>Payara runs with the JVM's defaults (C2, G1) unless {@code it.payaraJvmOptions} says
 * otherwise. With C2 the JIT keeps a store path climbing for a minute or more while the
 * in-memory session is warm within seconds, so every scenario is warmed until two consecutive
 * windows agree within {@link #CONVERGED}, at most {@code bench.maxWarmupWindows} windows (the
 * table says when that cap was hit), then measured over {@link #REPEATS} windows: median and
 * spread (min–max).
 *
 * <p>Arguments: seconds per window (default 10), then the targets to run (default all).
 */
public final class LoadBenchmark {
    static final List<Integer> SIZES = sizes(System.getProperty("bench.sizes", ""));
    static final int REPEATS = 3;
    /** The least warm-up before two agreeing windows may end it ({@code bench.minWarmupSeconds}, BENCH_MIN_WARMUP_SECONDS). */
    static final Duration MIN_WARMUP = Duration.ofSeconds(Long.getLong("bench.minWarmupSeconds", 60));
    /** Two consecutive warm-up windows within this fraction of each other: the JIT is done. */
    private static final double CONVERGED = 0.05;
    /**
     * Sessions the spread scenarios cycle through: each wrk thread takes its own half, in turn,
     * so its in-flight requests (8 of 16 connections) never share a session.
     */
    static final int SPREAD_SESSIONS = 256;

    private LoadBenchmark() {
    }

    /**
     * The library's settings a run chooses on the command line: {@code SESSION_METRICS} as
     * {@code bench.sessionMetrics} says (BENCH_SESSION_METRICS in scripts/bench; by default the
     * library's, on, since Payara has MicroProfile Metrics) and {@code SESSION_LOCKING} as
     * {@code bench.sessionLocking} says (BENCH_SESSION_LOCKING; by default off). Compare two runs
     * to see what either costs.
     */
    private static Map<String, String> withChosenSettings(Map<String, String> env) {
        Map<String, String> with = new java.util.HashMap<>(env);
        Map.of("bench.sessionMetrics", "SESSION_METRICS", "bench.sessionLocking", "SESSION_LOCKING").forEach((property, key) -> {
            String value = System.getProperty(property, "");
            if (!value.isBlank()) {
                with.putIfAbsent(key, value.trim()); // a target that sets the key itself keeps its value
            }
        });
        return with;
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int maxWarmupWindows = Integer.getInteger("bench.maxWarmupWindows", 18);
        Set<String> only = Set.copyOf(java.util.Arrays.asList(args).subList(Math.min(1, args.length), args.length));
        Duration window = Duration.ofSeconds(seconds);
        String conditions = conditions(seconds, maxWarmupWindows);
        System.out.println(conditions);
        long started = System.nanoTime();
        List<Result> results = new ArrayList<>();
        List<String> profiles = new ArrayList<>();
        for (LoadTarget target : LoadTargets.all()) {
            if (!only.isEmpty() && !only.contains(target.name())) {
                continue;
            }
            long targetStarted = System.nanoTime();
            System.out.println("== " + target.name());
            boolean container = target.name().equals(LoadTargets.CONTAINER);
            try (LoadTarget.Started store = target.start();
                 PayaraMicro server = serve(target, store)) {
                for (int size : SIZES) {
                    String cookie = target.plain() ? null : fill(server, target.cookieName(), size);
                    List<String> spread = null;
                    List<Scenario> chosen = target.plain() ? List.of(Scenario.PLAIN)
                            : scenarios(System.getProperty("bench.scenarios", ""), size).stream().filter(s -> s != Scenario.PLAIN).toList();
                    for (Scenario scenario : chosen) {
                        if (scenario.ignoresSession && size != SIZES.get(0)) {
                            continue; // never reads the session: its size cannot matter
                        }
                        if (container && scenario == Scenario.LOGGED_IN) {
                            continue; // the example's login is kept by the library; without it nothing keeps one
                        }
                        if (scenario.spread && spread == null) {
                            spread = fill(server, target.cookieName(), size, SPREAD_SESSIONS);
                        }
                        List<String> sent = !scenario.sendsCookie ? List.of() : scenario.spread ? spread
                                : scenario == Scenario.FACES_POSTBACK ? fill(server, target.cookieName(), size, Wrk.CONNECTIONS)
                                : scenario == Scenario.LOGGED_IN ? List.of(loggedIn(server, target.cookieName(), size))
                                : List.of(cookie);
                        WarmUp warmUp = warmUp(server, scenario, container, sent, window, maxWarmupWindows);
                        List<Wrk.Measurement> runs = new ArrayList<>();
                        CpuUse cpuBefore = cpu(server, store);
                        for (int i = 0; i < REPEATS; i++) {
                            runs.add(Wrk.run(server, scenario, container, sent, window));
                        }
                        long requests = Math.round(runs.stream().mapToDouble(Wrk.Measurement::requestsPerSecond).sum() * seconds);
                        Result result = Result.of(target.name(), target.baseline(), scenario, size, runs, warmUp)
                                .withCpu(cpu(server, store).perRequest(cpuBefore, requests));
                        if (Boolean.getBoolean("bench.jfr")) {
                            // one more window, not measured, under JDK Flight Recorder
                            JfrProfile profile = JfrProfile.start(server, target.name() + "-" + scenario + "-" + size);
                            Wrk.run(server, scenario, container, sent, window);
                            profiles.add("- " + target.name() + ", " + scenario.label + ": " + profile.stop());
                        }
                        System.out.println(result.row() + " |");
                        results.add(result);
                    }
                }
            }
            System.out.printf("%s took %d s%n", target.name(), (System.nanoTime() - targetStarted) / 1_000_000_000L);
        }
        String report = conditions + "\n\n" + Result.table(results)
                + (profiles.isEmpty() ? "" : "\nWhere the request threads spent one more window (JFR, not measured above):\n\n"
                        + String.join("\n", profiles) + "\n");
        System.out.println(report);
        System.out.printf("the whole run took %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
        Path out = Path.of(System.getProperty("it.workDir", "target")).resolve("load-results.md");
        Files.writeString(out, report);
        System.out.println("written to " + out);
    }

    /** The session sizes to measure: all by default, or a comma list of byte counts. */
    private static List<Integer> sizes(String list) {
        return list.isBlank() ? List.of(1024, 50 * 1024)
                : java.util.Arrays.stream(list.split(",")).map(String::trim).map(Integer::valueOf).toList();
    }

    /**
     * The scenarios to run at one session size: all by default, or a comma list of their names,
     * each optionally limited to one size ({@code READ,WRITE@1024}).
     */
    static List<Scenario> scenarios(String list, int size) {
        if (list.isBlank()) {
            return List.of(Scenario.values());
        }
        List<Scenario> chosen = new ArrayList<>();
        for (String entry : list.split(",")) {
            String[] parts = entry.trim().split("@");
            if (parts.length == 1 || Integer.parseInt(parts[1]) == size) {
                chosen.add(Scenario.valueOf(parts[0]));
            }
        }
        return chosen;
    }

    /** What the figures were measured with, printed with every table. */
    static String conditions(int seconds, int maxWarmupWindows) {
        List<String> flags = PayaraMicro.jvmOptions();
        return "Payara Micro JVM flags: " + (flags.isEmpty() ? "none, the JVM's defaults (C2, default GC and heap)" : String.join(" ", flags))
                + "; Java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors() + " cores.\n"
                + "Load: " + Wrk.DESCRIPTION + ". Warm-up per scenario: at least " + MIN_WARMUP.toSeconds() + " s, then " + seconds
                + " s windows until two consecutive ones agree within " + Math.round(CONVERGED * 100) + "% (at most " + maxWarmupWindows + " windows; the warm-up column says how long it took, "
                + "or that it never converged). Measured: " + REPEATS + " windows of " + seconds + " s, median and spread (min–max).\n"
                + "SESSION_METRICS: " + System.getProperty("bench.sessionMetrics", "").transform(m -> m.isBlank() ? "default (on)" : m)
                + "; SESSION_LOCKING: " + System.getProperty("bench.sessionLocking", "").transform(m -> m.isBlank() ? "default (off)" : m) + "."
                + (LoadTargets.OTHER_WAR.isBlank() ? "" : "\nTargets named *-other-war serve " + LoadTargets.OTHER_WAR + " instead of this build's WAR.");
    }

    /** Runs windows until the last two agree, or the cap is reached. */
    static WarmUp warmUp(PayaraMicro server, Scenario scenario, boolean container, List<String> cookies, Duration window,
                                 int maxWindows) throws IOException, InterruptedException {
        double previous = -1;
        // Payara's C2 keeps a deep path climbing for a minute or more: two windows that agree
        // earlier may be a pause in the climb, so agreement counts only after the minimum
        long minWindows = (MIN_WARMUP.toMillis() + window.toMillis() - 1) / window.toMillis();
        maxWindows = (int) Math.max(maxWindows, minWindows);
        for (int n = 1; n <= maxWindows; n++) {
            double rate = Wrk.run(server, scenario, container, cookies, window).requestsPerSecond();
            if (n >= minWindows && previous > 0 && Math.abs(rate - previous) <= CONVERGED * Math.max(rate, previous)) {
                return new WarmUp(n, window, true);
            }
            previous = rate;
        }
        return new WarmUp(maxWindows, window, false);
    }

    /** Payara Micro serving {@code target}'s WAR (this build's test WAR unless it names another) on {@code store}. */
    static PayaraMicro serve(LoadTarget target, LoadTarget.Started store) {
        String name = "bench-" + target.name().replace(' ', '-');
        return target.war() == null ? PayaraMicro.start(name, withChosenSettings(store.env()))
                : PayaraMicro.start(name, withChosenSettings(store.env()), target.war());
    }

    /** A session of {@code size} bytes, created through whichever HttpSession the target serves. */
    static String fill(PayaraMicro server, String cookieName, int size) throws IOException {
        Browser browser = new Browser(server, cookieName);
        Browser.Response response = browser.get("/httpsession/fill?bytes=" + size);
        if (response.status() != 200 || browser.cookie().isEmpty()) {
            throw new IOException("could not create a " + size + "-byte session: " + response);
        }
        return cookieName + "=" + browser.cookie().get();
    }

    /** The CPU accounts now: the server's, and the store's processes where it has its own (Redis, PostgreSQL, MariaDB, memcached). */
    static CpuUse cpu(PayaraMicro server, LoadTarget.Started store) {
        String type = store.env().getOrDefault("SESSION_TYPE", "");
        String url = store.env().getOrDefault("SESSION_SQLALCHEMY", "");
        String command = type.equals("memcached") ? "memcached" : !type.equals("sqlalchemy") ? ""
                : url.contains("mariadb") || url.contains("mysql") ? "mariadbd" : "postgres";
        long storePid = store.store() instanceof dev.serversessions.testsupport.RedisServer redis ? redis.pid() : -1;
        return CpuUse.now(server.pid(), command::equals, pid -> pid == storePid);
    }

    /** A session of {@code size} bytes in which alice then logged in: the session cookie and the login cookie. */
    static String loggedIn(PayaraMicro server, String cookieName, int size) throws IOException {
        Browser browser = new Browser(server, cookieName);
        browser.get("/httpsession/fill?bytes=" + size);
        Browser.Response login = browser.postForm("/api/login", "username", "alice", "password", "alice-secret");
        Browser.Response whoami = browser.get("/api/whoami");
        if (login.status() != 204 || browser.cookie().isEmpty() || !whoami.body().contains("\"alice\"")) {
            throw new IOException("could not log in: " + login + " then " + whoami);
        }
        StringBuilder cookies = new StringBuilder(cookieName + "=" + browser.cookie().get());
        browser.otherCookies().forEach((name, value) -> cookies.append("; ").append(name).append('=').append(value));
        return cookies.toString();
    }

    /** {@code count} sessions of {@code size} bytes, for the scenarios that spread over sessions. */
    static List<String> fill(PayaraMicro server, String cookieName, int size, int count) throws IOException {
        List<String> cookies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            cookies.add(fill(server, cookieName, size));
        }
        return cookies;
    }

    /**
     * What one kind of request does with the session. The session holds a small attribute
     * {@code k} and a {@code blob} of the table's size.
     */
    enum Scenario {
        READ("test WAR: read one small attribute", "GET", "/httpsession/get?name=k", "/httpsession/get?name=k", true, false),
        WRITE("test WAR: write one attribute", "GET", "/httpsession/set?name=w&value=", "/httpsession/set?name=w&value=", true, false),
        READ_SPREAD("test WAR: read one small attribute, " + SPREAD_SESSIONS + " sessions", "GET", "/httpsession/get?name=k",
                "/httpsession/get?name=k", true, false, true),
        WRITE_SPREAD("test WAR: write one attribute, " + SPREAD_SESSIONS + " sessions", "GET", "/httpsession/set?name=w&value=",
                "/httpsession/set?name=w&value=", true, false, true),
        UNTOUCHED("test WAR: untouched", "GET", "/probe/untouched", "/probe/untouched", true, true),
        API_READ("example API: GET /api/session (reads all)", "GET", "/api/session", "/legacy/session", true, false),
        API_WRITE("example API: PUT /api/session/w", "PUT", "/api/session/w", "/legacy/session/w", true, false),
        /** The issue's own pair: the same servlet on both, {@code request.getSession()} the container's or the store's. */
        LEGACY_READ("example: GET /legacy/session (request.getSession(), reads all)", "GET", "/legacy/session", "/legacy/session", true, false),
        LEGACY_WRITE("example: PUT /legacy/session/w (HttpSession.setAttribute)", "PUT", "/legacy/session/w", "/legacy/session/w", true, false),
        API_UNTOUCHED("example API: GET /api/session, no cookie", "GET", "/api/session", "/legacy/session", false, true),
        /** A logged-in caller asking who she is: the login kept by the library re-established on each request; stores only. */
        LOGGED_IN("example API: GET /api/whoami, logged in", "GET", "/api/whoami", "/api/whoami", true, false),
        FACES_POSTBACK("example Faces page: postback of /faces/counter.xhtml, a session per connection", "POST",
                "/faces/counter.xhtml", "/faces/counter.xhtml", true, false),
        /** The plain WAR's page ({@link PlainWars}), without a cookie: only on the plain targets, which run only this. */
        PLAIN("plain WAR: a page that uses no session, no cookie", "GET", "/probe/untouched", "/probe/untouched", false, true);

        final String label;
        final String method;
        /** Through the library; and the same API on the container's in-memory HttpSession. */
        final String path;
        final String containerPath;
        final boolean sendsCookie;
        final boolean ignoresSession;
        /** All connections on one session (the contended case), or each request on a session no other in flight has. */
        final boolean spread;

        Scenario(String label, String method, String path, String containerPath, boolean sendsCookie, boolean ignoresSession) {
            this(label, method, path, containerPath, sendsCookie, ignoresSession, false);
        }

        Scenario(String label, String method, String path, String containerPath, boolean sendsCookie, boolean ignoresSession,
                 boolean spread) {
            this.spread = spread;
            this.label = label;
            this.method = method;
            this.path = path;
            this.containerPath = containerPath;
            this.sendsCookie = sendsCookie;
            this.ignoresSession = ignoresSession;
        }

        /** Each write sends a new value, so that every write really changes the session. */
        boolean writes() {
            return this == WRITE || this == WRITE_SPREAD || this == API_WRITE;
        }
    }

    /** How long a scenario took to warm up. */
    record WarmUp(int windows, Duration window, boolean converged) {
        @Override
        public String toString() {
            long total = windows * window.toSeconds();
            return converged ? total + " s" : "not converged in " + total + " s";
        }
    }

    /** The median of the measured windows, with the spread of all and their summed errors. */
    record Result(String target, String baseline, Scenario scenario, int size, double requestsPerSecond, double min, double max,
                  String p50, String p99, long errors, WarmUp warmUp, String cpu) {
        String row() {
            return "| " + target + " | " + scenario.label + " | " + (scenario.ignoresSession ? "any" : (size / 1024) + " kB")
                    + " | " + String.format("%.0f", requestsPerSecond) + " | " + String.format("%.0f–%.0f", min, max)
                    + " | " + p50 + " | " + p99 + " | " + errors + " | " + warmUp + " | " + cpu;
        }

        Result withCpu(String perRequest) {
            return new Result(target, baseline, scenario, size, requestsPerSecond, min, max, p50, p99, errors, warmUp, perRequest);
        }

        static Result of(String target, String baseline, Scenario scenario, int size, List<Wrk.Measurement> runs, WarmUp warmUp) {
            List<Wrk.Measurement> sorted = new ArrayList<>(runs);
            sorted.sort(Comparator.comparingDouble(Wrk.Measurement::requestsPerSecond));
            Wrk.Measurement mid = sorted.get(sorted.size() / 2);
            long errors = runs.stream().mapToLong(Wrk.Measurement::errors).sum();
            return new Result(target, baseline, scenario, size, mid.requestsPerSecond(), sorted.get(0).requestsPerSecond(),
                    sorted.get(sorted.size() - 1).requestsPerSecond(), mid.p50(), mid.p99(), errors, warmUp, "");
        }

        static String table(List<Result> results) {
            Map<String, Double> ceiling = new LinkedHashMap<>();
            for (Result r : results) {
                if (r.target.equals(r.baseline)) {
                    ceiling.put(r.target + "/" + r.scenario + "/" + r.size, r.requestsPerSecond);
                }
            }
            StringBuilder table = new StringBuilder("| store | request | session | req/s (median of " + REPEATS
                    + ") | spread | p50 | p99 | errors | warm-up | CPU per request over the measured windows (server / store / whole machine) "
                    + "| of in-memory (plain WAR: of the same WAR without the jar) |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (Result r : results) {
                Double base = ceiling.get(r.baseline + "/" + r.scenario + "/" + r.size);
                String ratio = base == null || base == 0 ? "" : String.format("%.0f%%", 100 * r.requestsPerSecond / base);
                table.append(r.row()).append(" | ").append(ratio).append(" |\n");
            }
            return table.toString();
        }
    }
}
