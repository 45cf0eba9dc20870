package dev.serversessions.bench;

import dev.serversessions.bench.LoadBenchmark.Scenario;
import dev.serversessions.it.support.PayaraMicro;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the wrk load generator (Debian package wrk) for one scenario and reads its report. */
final class Wrk {
    private static final int THREADS = 2;
    private static final int CONNECTIONS = 16;
    static final String DESCRIPTION = "wrk -t" + THREADS + " -c" + CONNECTIONS + " on the same machine";
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P50 = Pattern.compile("\\s50%\\s+([0-9.]+[a-z]+)");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+[a-z]+)");
    private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    /** What one window measured. */
    record Measurement(double requestsPerSecond, String p50, String p99, long errors) {
    }

    private Wrk() {
    }

    static Measurement run(PayaraMicro server, Scenario scenario, boolean container, String cookie, Duration duration)
            throws IOException, InterruptedException {
        String path = container ? scenario.containerPath : scenario.path;
        Path script = Files.createTempFile("wrk", ".lua");
        Files.writeString(script, scenario.writes() ? writeScript(scenario.method, path) : "");
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + THREADS, "-c" + CONNECTIONS,
                "-d" + duration.toSeconds() + "s", "--latency", "--timeout", "5s", "-s", script.toString()));
        if (cookie != null) {
            command.addAll(List.of("-H", "Cookie: " + cookie));
        }
        command.add(server.url(scenario.writes() ? "/" : path).toString());
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String report = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!wrk.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
            throw new IOException("wrk failed:\n" + report);
        }
        Files.delete(script);
        return new Measurement(number(RATE, report), text(P50, report), text(P99, report), errors(report));
    }

    /**
     * Each request writes a new value: appended to the path for a GET, the body of a PUT.
     * wrk.format keeps the -H headers (the cookie) when given none.
     */
    private static String writeScript(String method, String path) {
        String request = method.equals("PUT")
                ? "wrk.format(\"PUT\", \"" + path + "\", nil, tostring(counter))"
                : "wrk.format(\"GET\", \"" + path + "\" .. counter)";
        return "counter = 0\nrequest = function()\n  counter = counter + 1\n  return " + request + "\nend\n";
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
