package dev.serversessions.bench;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs wrk against the test WAR on Payara Micro, one store after another, and prints a markdown
 * table. The container's own in-memory HttpSession is the ceiling: the same endpoints are
 * served through {@code request.getSession()}, once by the container and once by the store.
 *
 * <p>Arguments: seconds per scenario (default 10), then the targets to run (default all).
 */
public final class LoadBenchmark {
    private static final List<Integer> SIZES = List.of(1024, 50 * 1024);
    private static final int REPEATS = 3;
    private static final int WARM_UP_SECONDS = 3;

    private LoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Set<String> only = Set.copyOf(java.util.Arrays.asList(args).subList(Math.min(1, args.length), args.length));
        List<Result> results = new ArrayList<>();
        for (LoadTarget target : LoadTargets.all()) {
            if (!only.isEmpty() && !only.contains(target.name())) {
                continue;
            }
            System.out.println("== " + target.name());
            try (LoadTarget.Started started = target.start();
                 PayaraMicro server = PayaraMicro.start("bench-" + target.name().replace(' ', '-'), started.env())) {
                for (int size : SIZES) {
                    String cookie = fill(server, target.cookieName(), size);
                    for (Scenario scenario : Scenario.values()) {
                        Wrk.run(server, target, scenario, size, cookie, Duration.ofSeconds(WARM_UP_SECONDS)); // JIT warm-up, discarded
                        List<Result> runs = new ArrayList<>();
                        for (int i = 0; i < REPEATS; i++) {
                            runs.add(Wrk.run(server, target, scenario, size, cookie, Duration.ofSeconds(seconds)));
                        }
                        Result result = Result.median(runs);
                        System.out.println(result.row());
                        results.add(result);
                    }
                }
            }
        }
        String table = Result.table(results);
        System.out.println(table);
        Path out = Path.of(System.getProperty("it.workDir", "target")).resolve("load-results.md");
        Files.writeString(out, table);
        System.out.println("written to " + out);
    }

    /** A session of {@code size} bytes, created through whichever HttpSession the target serves. */
    private static String fill(PayaraMicro server, String cookieName, int size) throws IOException {
        Browser browser = new Browser(server, cookieName);
        Browser.Response response = browser.get("/httpsession/fill?bytes=" + size);
        if (response.status() != 200 || browser.cookie().isEmpty()) {
            throw new IOException("could not create a " + size + "-byte session: " + response);
        }
        return cookieName + "=" + browser.cookie().get();
    }

    /** What one kind of request does with the session. */
    enum Scenario {
        READ("read-only", "/httpsession/get?name=k"),
        WRITE("write one attribute", null),
        UNTOUCHED("untouched", "/probe/untouched");

        final String label;
        final String path;

        Scenario(String label, String path) {
            this.label = label;
            this.path = path;
        }
    }

    /** One wrk run. */
    record Result(String target, Scenario scenario, int size, double requestsPerSecond, double min, double max,
                  String p50, String p99, long errors) {
        String row() {
            return "| " + target + " | " + scenario.label + " | " + (size / 1024) + " kB | " + String.format("%.0f", requestsPerSecond)
                    + " | " + String.format("%.0f–%.0f", min, max) + " | " + p50 + " | " + p99 + " | " + errors + " |";
        }

        /** The run with the median throughput, with the spread of all runs and their summed errors. */
        static Result median(List<Result> runs) {
            List<Result> sorted = new ArrayList<>(runs);
            sorted.sort(java.util.Comparator.comparingDouble(Result::requestsPerSecond));
            Result mid = sorted.get(sorted.size() / 2);
            long errors = runs.stream().mapToLong(Result::errors).sum();
            return new Result(mid.target, mid.scenario, mid.size, mid.requestsPerSecond,
                    sorted.get(0).requestsPerSecond, sorted.get(sorted.size() - 1).requestsPerSecond, mid.p50, mid.p99, errors);
        }

        static String table(List<Result> results) {
            Map<String, Double> ceiling = new LinkedHashMap<>();
            for (Result r : results) {
                if (r.target.equals(LoadTargets.CONTAINER)) {
                    ceiling.put(r.scenario + "/" + r.size, r.requestsPerSecond);
                }
            }
            StringBuilder table = new StringBuilder(
                    "| store | request | session | req/s (median of 3) | spread | p50 | p99 | errors | of in-memory |\n|---|---|---|---|---|---|---|---|---|\n");
            for (Result r : results) {
                Double base = ceiling.get(r.scenario + "/" + r.size);
                String ratio = base == null || base == 0 ? "" : String.format("%.0f%%", 100 * r.requestsPerSecond / base);
                table.append(r.row()).append(' ').append(ratio).append(" |\n");
            }
            return table.toString();
        }
    }
}
