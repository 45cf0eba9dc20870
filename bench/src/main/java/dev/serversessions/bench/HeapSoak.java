package dev.serversessions.bench;

import dev.serversessions.it.HeapSoakIT;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Loads the example on the filesystem store for some minutes and samples the server's heap
 * after a full GC every 30 seconds: with sessions in the store, the heap must stay flat however
 * many sessions are created. Half the requests create a new session, half change an existing one.
 *
 * <p>Argument: minutes (default 5).
 */
public final class HeapSoak {
    private static final String MIXED_LOAD = """
            counter = 0
            request = function()
              counter = counter + 1
              if counter % 2 == 0 then
                return wrk.format("GET", "/httpsession/set?name=w&value=" .. counter, {["Cookie"] = ""})
              end
              return wrk.format("GET", "/httpsession/set?name=w&value=" .. counter)
            end
            """;

    private HeapSoak() {
    }

    public static void main(String[] args) throws Exception {
        int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path sessions = PayaraMicro.workDir().resolve("soak-" + System.nanoTime());
        try (PayaraMicro server = PayaraMicro.start("soak", Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", sessions.toString()))) {
            Browser browser = new Browser(server);
            browser.get("/httpsession/fill?bytes=1024");
            String cookie = "session=" + browser.cookie().orElseThrow();
            Path script = Files.createTempFile("soak", ".lua");
            Files.writeString(script, MIXED_LOAD);
            Process wrk = new ProcessBuilder("wrk", "-t2", "-c8", "-d" + minutes + "m", "--timeout", "5s",
                    "-H", "Cookie: " + cookie, "-s", script.toString(), server.url("/").toString())
                    .redirectErrorStream(true).start();
            System.out.println("| minute | heap used after full GC | session files |");
            System.out.println("|---|---|---|");
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
            for (int sample = 0; System.nanoTime() < end; sample++) {
                Thread.sleep(30_000);
                long files;
                try (var list = Files.list(sessions)) {
                    files = list.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).count();
                }
                System.out.printf("| %.1f | %.1f MB | %d |%n", (sample + 1) / 2.0, HeapSoakIT.heapAfterFullGc(server.pid()) / 1e6, files);
            }
            String report = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            wrk.waitFor();
            System.out.println(report);
        }
    }

}
