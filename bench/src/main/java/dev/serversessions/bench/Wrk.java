package dev.serversessions.bench;

import dev.serversessions.bench.LoadBenchmark.Result;
import dev.serversessions.bench.LoadBenchmark.Scenario;
import dev.serversessions.it.support.PayaraMicro;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the wrk load generator (Debian package wrk) for one scenario and reads its report. */
final class Wrk {
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P50 = Pattern.compile("\\s50%\\s+([0-9.]+[a-z]+)");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+[a-z]+)");
    private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    /** Each request writes a new value, so that every write really changes the session. */
    private static final String WRITE_SCRIPT = """
            counter = 0
            request = function()
              counter = counter + 1
              return wrk.format("GET", "/httpsession/set?name=w&value=" .. counter)
            end
            """;

    private Wrk() {
    }

    static Result run(PayaraMicro server, LoadTarget target, Scenario scenario, int size, String cookie, Duration duration)
            throws IOException, InterruptedException {
        Path script = Files.createTempFile("wrk", ".lua");
        Files.writeString(script, scenario == Scenario.WRITE ? WRITE_SCRIPT : "");
        String url = server.url(scenario.path == null ? "/" : scenario.path).toString();
        Process wrk = new ProcessBuilder(List.of("wrk", "-t2", "-c8", "-d" + duration.toSeconds() + "s", "--latency",
                "--timeout", "5s", "-H", "Cookie: " + cookie, "-s", script.toString(), url))
                .redirectErrorStream(true).start();
        String report = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!wrk.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
            throw new IOException("wrk failed:\n" + report);
        }
        Files.delete(script);
        double rate = number(RATE, report);
        return new Result(target.name(), scenario, size, rate, rate, rate, text(P50, report), text(P99, report), errors(report));
    }

    private static double number(Pattern pattern, String report) {
        Matcher m = pattern.matcher(report);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static String text(Pattern pattern, String report) {
        Matcher m = pattern.matcher(report);
        return m.find() ? m.group(1) : "?";
    }

    private static long errors(String report) {
        long errors = 0;
        Matcher m = ERRORS.matcher(report);
        if (m.find()) {
            errors += Long.parseLong(m.group(1));
        }
        Matcher s = SOCKET_ERRORS.matcher(report);
        if (s.find()) {
            for (int i = 1; i <= 4; i++) {
                errors += Long.parseLong(s.group(i));
            }
        }
        return errors;
    }
}
