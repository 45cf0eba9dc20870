package dev.serversessions.bench;

import dev.serversessions.bench.LoadBenchmark.Result;
import dev.serversessions.bench.LoadBenchmark.Scenario;
import dev.serversessions.bench.LoadBenchmark.WarmUp;
import dev.serversessions.it.support.PayaraMicro;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The load benchmark with every chosen target's server running at once and their measured
 * windows taken in turns (container, store 1, store 2, ..., then again, three rounds), so that a
 * host whose speed drifts over minutes moves every target's figures alike and the ratios stay
 * comparable. Each target is warmed up first as {@link LoadBenchmark} does; a server not under
 * load sits idle while another is measured. CPU per request is summed over each target's own
 * windows. Same arguments and settings as {@link LoadBenchmark}; not for the plain WARs.
 */
public final class InterleavedLoad {
    private InterleavedLoad() {
    }

    private record Running(LoadTarget target, LoadTarget.Started store, PayaraMicro server, boolean container) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int maxWarmupWindows = Integer.getInteger("bench.maxWarmupWindows", 18);
        Set<String> only = Set.copyOf(java.util.Arrays.asList(args).subList(Math.min(1, args.length), args.length));
        Duration window = Duration.ofSeconds(seconds);
        String conditions = LoadBenchmark.conditions(seconds, maxWarmupWindows)
                + "\nInterleaved: every target's server runs at once; after each is warmed up, the measured windows go round the "
                + "targets " + LoadBenchmark.REPEATS + " times, one window each per round.";
        System.out.println(conditions);
        long started = System.nanoTime();
        List<Running> running = new ArrayList<>();
        List<Result> results = new ArrayList<>();
        try {
            for (LoadTarget target : LoadTargets.all()) {
                if (target.plain() || (!only.isEmpty() && !only.contains(target.name()))) {
                    continue;
                }
                LoadTarget.Started store = target.start();
                PayaraMicro server = LoadBenchmark.serve(target, store);
                running.add(new Running(target, store, server, target.name().equals(LoadTargets.CONTAINER)));
            }
            for (int size : LoadBenchmark.SIZES) {
                for (Scenario scenario : LoadBenchmark.scenarios(System.getProperty("bench.scenarios", ""), size)) {
                    if (scenario == Scenario.PLAIN || scenario == Scenario.FACES_POSTBACK) {
                        continue;
                    }
                    Map<Running, List<String>> cookies = new LinkedHashMap<>();
                    Map<Running, WarmUp> warmUps = new LinkedHashMap<>();
                    for (Running r : running) {
                        if (r.container && scenario == Scenario.LOGGED_IN) {
                            continue;
                        }
                        String cookie = r.target.cookieName();
                        List<String> sent = !scenario.sendsCookie ? List.of()
                                : scenario.spread ? LoadBenchmark.fill(r.server, cookie, size, LoadBenchmark.SPREAD_SESSIONS)
                                : scenario == Scenario.LOGGED_IN ? List.of(LoadBenchmark.loggedIn(r.server, cookie, size))
                                : List.of(LoadBenchmark.fill(r.server, cookie, size));
                        cookies.put(r, sent);
                        warmUps.put(r, LoadBenchmark.warmUp(r.server, scenario, r.container, sent, window, maxWarmupWindows));
                    }
                    Map<Running, List<Wrk.Measurement>> runs = new LinkedHashMap<>();
                    Map<Running, long[]> cpu = new LinkedHashMap<>(); // server, store, machine ticks; requests
                    for (int round = 0; round < LoadBenchmark.REPEATS; round++) {
                        for (Running r : cookies.keySet()) {
                            CpuUse before = LoadBenchmark.cpu(r.server, r.store);
                            Wrk.Measurement m = Wrk.run(r.server, scenario, r.container, cookies.get(r), window);
                            CpuUse after = LoadBenchmark.cpu(r.server, r.store);
                            runs.computeIfAbsent(r, k -> new ArrayList<>()).add(m);
                            long[] sum = cpu.computeIfAbsent(r, k -> new long[4]);
                            sum[0] += after.server() - before.server();
                            sum[1] += after.store() - before.store();
                            sum[2] += after.machineBusy() - before.machineBusy();
                            sum[3] += Math.round(m.requestsPerSecond() * seconds);
                        }
                    }
                    for (Running r : cookies.keySet()) {
                        long[] sum = cpu.get(r);
                        double perRequest = 1e4 / Math.max(1, sum[3]); // µs per request per tick (100 ticks a second)
                        Result result = Result.of(r.target.name(), r.target.baseline(), scenario, size, runs.get(r), warmUps.get(r))
                                .withCpu(String.format("%.0f / %.0f / %.0f µs", sum[0] * perRequest, sum[1] * perRequest, sum[2] * perRequest));
                        System.out.println(result.row() + " |");
                        results.add(result);
                    }
                }
            }
        } finally {
            for (Running r : running) {
                r.server.close();
                r.store.close();
            }
        }
        String report = conditions + "\n\n" + Result.table(results);
        System.out.println(report);
        System.out.printf("the whole run took %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
        Path out = Path.of(System.getProperty("it.workDir", "target")).resolve("load-results.md");
        Files.writeString(out, report);
        System.out.println("written to " + out);
    }
}
