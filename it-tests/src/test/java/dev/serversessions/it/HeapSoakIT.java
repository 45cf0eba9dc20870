package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Sessions live in the store, not in the server: under a steady load that creates tens of
 * thousands of sessions, the server's heap after a full GC stays flat and the filesystem store
 * stays under SESSION_FILE_THRESHOLD. (scripts/bench runs the same for five minutes with wrk:
 * dev.serversessions.bench.HeapSoak.)
 */
public class HeapSoakIT {
    private static final Duration LOAD = Duration.ofSeconds(Long.getLong("it.soakSeconds", 60));
    private static final long ALLOWED_GROWTH_BYTES = 32L * 1024 * 1024;

    @Test
    void theHeapStaysFlatAndTheStoreBoundedWhileSessionsPileUp() throws Exception {
        Path sessions = PayaraMicro.workDir().resolve("soak-" + System.nanoTime());
        try (PayaraMicro server = PayaraMicro.start("soak", Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", sessions.toString()))) {
            Browser regular = new Browser(server);
            regular.put("/api/session/visits", "0");
            AtomicLong requests = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            long end = System.nanoTime() + LOAD.toNanos();
            ExecutorService clients = Executors.newFixedThreadPool(6);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                boolean newcomers = c % 2 == 0;
                running.add(clients.submit(() -> {
                    while (System.nanoTime() < end) {
                        Browser browser = newcomers ? new Browser(server) : regular.on(server);
                        int status = browser.put("/api/session/v", String.valueOf(requests.incrementAndGet())).status();
                        if (status != 204) {
                            failures.incrementAndGet();
                        }
                    }
                }));
            }
            Thread.sleep(Math.min(30_000, LOAD.toMillis() / 4));
            long early = heapAfterFullGc(server.pid());
            for (Future<?> client : running) {
                client.get(LOAD.toSeconds() + 60, TimeUnit.SECONDS);
            }
            clients.shutdown();
            long late = heapAfterFullGc(server.pid());

            assertEquals(0, failures.get(), "failed requests of " + requests.get());
            assertTrue(requests.get() > 1000, "load too light to mean anything: " + requests.get());
            assertTrue(late - early < ALLOWED_GROWTH_BYTES, String.format("heap after full GC grew from %.1f MB to %.1f MB over %d requests",
                    early / 1e6, late / 1e6, requests.get()));
            assertTrue(sessionFiles(sessions) <= 500, "session files: " + sessionFiles(sessions));
            System.out.printf("heap soak: %d requests in %s, heap after full GC %.1f MB -> %.1f MB, %d session files%n",
                    requests.get(), LOAD, early / 1e6, late / 1e6, sessionFiles(sessions));
        }
    }

    private static long sessionFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).count();
        }
    }

    /** Bytes in use after {@code jcmd GC.run}, from {@code jstat -gc}: survivors, eden and old generation. */
    public static long heapAfterFullGc(long pid) throws IOException, InterruptedException {
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        run(bin.resolve("jcmd").toString(), String.valueOf(pid), "GC.run");
        List<String> lines = run(bin.resolve("jstat").toString(), "-gc", String.valueOf(pid)).lines().toList();
        List<String> names = List.of(lines.get(0).trim().split("\\s+"));
        String[] values = lines.get(1).trim().split("\\s+");
        double kb = 0;
        for (String column : List.of("S0U", "S1U", "EU", "OU")) {
            kb += Double.parseDouble(values[names.indexOf(column)]);
        }
        return (long) (kb * 1024);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        return out;
    }
}
