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
    static final int CONNECTIONS = 16;
    static final String DESCRIPTION = "wrk -t" + THREADS + " -c" + CONNECTIONS + " on the same machine";
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P50 = Pattern.compile("\\s50%\\s+([0-9.]+[a-z]+)");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+[a-z]+)");
    private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern WRONG_ANSWERS = Pattern.compile("Wrong answers: (\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    /** What one window measured. */
    record Measurement(double requestsPerSecond, String p50, String p99, long errors) {
    }

    private Wrk() {
    }

    /**
     * One window of {@code scenario}: with one cookie (or none) every request sends it; with
     * several, each thread cycles through its own share of them ({@link #spreadScript}).
     */
    static Measurement run(PayaraMicro server, Scenario scenario, boolean container, List<String> cookies, Duration duration)
            throws IOException, InterruptedException {
        String path = container ? scenario.containerPath : scenario.path;
        Path script = Files.createTempFile("wrk", ".lua");
        boolean faces = scenario == Scenario.FACES_POSTBACK;
        boolean spread = cookies.size() > 1;
        Files.writeString(script, faces ? facesScript(path, cookies) : spread ? spreadScript(scenario, path, cookies)
                : scenario.writes() ? writeScript(scenario.method, path) : "");
        // a Faces view is one browser's: one connection per wrk thread, so that each keeps its own view state
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + (faces ? CONNECTIONS : THREADS), "-c" + CONNECTIONS,
                "-d" + duration.toSeconds() + "s", "--latency", "--timeout", "5s", "-s", script.toString()));
        if (cookies.size() == 1) {
            command.addAll(List.of("-H", "Cookie: " + cookies.get(0)));
        }
        command.add(server.url(scenario.writes() || spread ? "/" : path).toString());
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

    /**
     * Requests spread over {@code cookies}: thread {@code t} of {@link #THREADS} sends its n-th
     * request with cookie {@code (n * THREADS + t) mod size}, so the two threads never share a
     * session and one thread's in-flight requests (consecutive n) are on different sessions.
     * A read must answer the filled attribute's value {@code v}: any other answer (a session not
     * found, or not sent) is counted, printed by {@code done} and counted as an error, so that a
     * broken script cannot pass for a fast store. wrk runs {@code setup} and {@code done} in its
     * main Lua state and the rest in each thread's own.
     */
    private static String spreadScript(Scenario scenario, String path, List<String> cookies) {
        StringBuilder lua = threadsWithCookies(cookies);
        lua.append("""
                counter = 0
                wrong = 0
                request = function()
                  counter = counter + 1
                  local headers = { ["Cookie"] = cookies[(counter * %d + offset) %% #cookies + 1] }
                """.formatted(THREADS));
        if (!scenario.writes()) {
            lua.append("  return wrk.format(\"GET\", \"").append(path).append("\", headers)\nend\n");
            lua.append("""
                    response = function(status, headers, body)
                      if body ~= "v" then wrong = wrong + 1 end
                    end
                    """).append(PRINT_WRONG_ANSWERS);
        } else if (scenario.method.equals("PUT")) {
            lua.append("  return wrk.format(\"PUT\", \"").append(path).append("\", headers, tostring(counter))\nend\n");
        } else {
            lua.append("  return wrk.format(\"GET\", \"").append(path).append("\" .. counter, headers)\nend\n");
        }
        return lua.toString();
    }

    /**
     * A browser per connection (wrk runs {@code -t16 -c16} for it): thread {@code t} uses cookie
     * {@code t}'s session, GETs the page once, then posts the form back with the view state its
     * last answer held, as a browser clicking the button does. An answer without a view state, or
     * not 200 (an expired view), is counted as wrong, and the next request starts a new view.
     */
    private static String facesScript(String path, List<String> cookies) {
        StringBuilder lua = threadsWithCookies(cookies);
        lua.append("""
                path = "%s"
                wrong = 0
                state = nil
                request = function()
                  local headers = { ["Cookie"] = cookies[offset %% #cookies + 1] }
                  if state == nil then
                    return wrk.format("GET", path, headers)
                  end
                  headers["Content-Type"] = "application/x-www-form-urlencoded"
                  return wrk.format("POST", path, headers,
                    "counter=counter&counter%%3Aincrement=%%2B1&jakarta.faces.ViewState=" .. state)
                end
                response = function(status, headers, body)
                  local found = string.match(body, 'name="jakarta.faces.ViewState"[^>]-value="([^"]+)"')
                  if status ~= 200 or found == nil or string.find(body, 'id="counter:count"', 1, true) == nil then
                    wrong = wrong + 1
                    state = nil
                  else
                    state = string.gsub(found, ":", "%%%%3A")
                  end
                end
                """.formatted(path)).append(PRINT_WRONG_ANSWERS);
        return lua.toString();
    }

    /** {@code done}: the wrong answers of all threads, summed, in the line {@link #WRONG_ANSWERS} reads. */
    private static final String PRINT_WRONG_ANSWERS = """
            done = function(summary, latency, requests)
              local total = 0
              for _, thread in ipairs(threads) do total = total + thread:get("wrong") end
              print("Wrong answers: " .. total)
            end
            """;

    /**
     * The start of a script over {@code cookies}: the table of them, and each thread's own
     * {@code offset} (0, 1, ...) set by {@code setup}, which keeps the threads for {@code done}.
     */
    private static StringBuilder threadsWithCookies(List<String> cookies) {
        StringBuilder lua = new StringBuilder("cookies = {\n");
        for (String cookie : cookies) {
            lua.append("  \"").append(cookie).append("\",\n");
        }
        return lua.append("""
                }
                threads = {}
                next_offset = 0
                setup = function(thread)
                  thread:set("offset", next_offset)
                  next_offset = next_offset + 1
                  table.insert(threads, thread)
                end
                offset = 0
                """);
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
        Matcher wrong = WRONG_ANSWERS.matcher(report);
        if (wrong.find()) {
            errors += Long.parseLong(wrong.group(1));
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
