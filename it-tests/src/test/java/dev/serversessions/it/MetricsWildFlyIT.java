package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.WildFlyServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WildFly 39 has MicroProfile Telemetry 2 (OpenTelemetry), and no MicroProfile Metrics: the
 * library's metrics go through OpenTelemetry's API into the application's SDK. WildFly offers no
 * endpoint to scrape them (its {@code /metrics} on the management port is WildFly's own; the SDK
 * pushes, by OTLP in production); this test has the SDK export them with OpenTelemetry's
 * logging exporter, which WildFly ships, once a second, and reads them from the server log.
 * Store calls are traced the same way.
 */
class MetricsWildFlyIT extends MetricsContract {
    private static final String EXPORT = "Received a collection of ";
    private static Path directory;
    private static WildFlyServer server;

    @BeforeAll
    static void start() {
        directory = newSessionDirectory();
        server = WildFlyServer.start("metrics", Map.of("SESSION_TYPE", "filesystem", "SESSION_FILE_DIR", directory.toString(),
                "SESSION_REFRESH_THRESHOLD", "1",
                // MicroProfile Config: the application's OpenTelemetry SDK, as a user turns it on
                "OTEL_SDK_DISABLED", "false",
                "OTEL_METRICS_EXPORTER", "logging",
                "OTEL_TRACES_EXPORTER", "logging",
                "OTEL_LOGS_EXPORTER", "none",
                "OTEL_METRIC_EXPORT_INTERVAL", "1000"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected WildFlyServer server() {
        return server;
    }

    @Override
    protected Path directory() {
        return directory;
    }

    /**
     * One whole export that began after everything so far: the SDK reads the cumulative values
     * just before it logs the export's first line, so the export after the first one to start
     * after now holds every request made before now.
     */
    @Override
    protected Snapshot scrape() throws InterruptedException {
        return LoggedExport.next(server);
    }

    @Test
    void storeCallsAreClientSpans() throws InterruptedException {
        int from = server.log().length();
        assertEquals(204, new Browser(server).put("/api/session/traced", "1").status());
        String span = awaitSaveSpan(from);
        assertTrue(span != null, () -> "a span of the save, logged by the SDK's span exporter:\n" + server.log().substring(from));
        assertTrue(span.contains(" CLIENT [tracer: dev.serversessions") && span.contains("db.operation.name=save")
                && span.contains("db.system.name=filesystem"), span);
    }

    @Test
    void aFailedStoreCallIsASpanWithItsErrorType() throws Exception {
        int from = server.log().length();
        Path parked = directory.resolveSibling(directory.getFileName() + "-parked-for-span");
        java.nio.file.Files.deleteIfExists(directory.resolve(".lock"));
        java.nio.file.Files.move(directory, parked);
        java.nio.file.Files.writeString(directory, "not a directory");
        try {
            assertEquals(503, new Browser(server).put("/api/session/failing", "1").status());
        } finally {
            java.nio.file.Files.delete(directory);
            java.nio.file.Files.move(parked, directory);
        }
        String span = awaitSaveSpan(from);
        assertTrue(span != null && span.contains("error.type=dev.serversessions.api.SessionStoreUnavailableException"),
                () -> "the failed save's span names the failure:\n" + server.log().substring(from));
    }

    /** The first span of a save the SDK logged after {@code from}, waiting up to 30 s for it; null if none. */
    private static String awaitSaveSpan(int from) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        String span;
        do {
            Thread.sleep(200);
            span = server.log().substring(from).lines().filter(l -> l.contains("LoggingSpanExporter") && l.contains("'save filesystem' : "))
                    .findFirst().orElse(null);
        } while (span == null && System.nanoTime() < deadline);
        return span;
    }

    /** What OpenTelemetry's logging exporter printed for one export. */
    static final class LoggedExport implements Snapshot {
        private static final Pattern LONG_POINT = Pattern.compile("(?<!filtered)attributes=\\{([^}]*)}, value=(\\d+)");
        private static final Pattern HISTOGRAM_POINT = Pattern.compile(
                "(?<![a-zA-Z])(?:get)?[Aa]ttributes=\\{([^}]*)}, (?:get)?[Ss]um=[^,]*, (?:get)?[Cc]ount=(\\d+)");
        private final String text;

        LoggedExport(String text) {
            this.text = text;
        }

        /**
         * One whole export of {@code server} that began after everything so far: the SDK reads
         * the cumulative values just before it logs the export's first line, so the export after
         * the first one to start after now holds every request made before now.
         */
        static LoggedExport next(AppServer server) throws InterruptedException {
            int from = server.log().length();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                String log = server.log().substring(from);
                int first = log.indexOf(EXPORT);
                int second = first < 0 ? -1 : log.indexOf(EXPORT, first + 1);
                int third = second < 0 ? -1 : log.indexOf(EXPORT, second + 1);
                if (third > 0) {
                    return new LoggedExport(log.substring(second, third));
                }
                Thread.sleep(250);
            }
            throw new AssertionError("the OpenTelemetry SDK exported no metrics within 60 s:\n" + server.log());
        }

        /** A counter's points whose attributes include {@code attribute} (as logged: {@code result="hit"}). */
        long counter(String name, String attribute) {
            long total = 0;
            for (String line : text.split("\n")) {
                if (line.contains("name=" + name + ",")) {
                    Matcher matcher = LONG_POINT.matcher(line);
                    while (matcher.find()) {
                        if (matcher.group(1).contains(attribute)) {
                            total += Long.parseLong(matcher.group(2));
                        }
                    }
                }
            }
            return total;
        }

        @Override
        public long counter(String name) {
            return sum(name, LONG_POINT, null);
        }

        @Override
        public long histogramCount(String name, String operation) {
            return sum(name, HISTOGRAM_POINT, operation);
        }

        private long sum(String name, Pattern point, String operation) {
            long total = 0;
            for (String line : text.split("\n")) {
                if (line.contains("name=" + name + ",")) {
                    Matcher matcher = point.matcher(line);
                    while (matcher.find()) {
                        if (operation == null || matcher.group(1).contains("db.operation.name=\"" + operation + "\"")) {
                            total += Long.parseLong(matcher.group(2));
                        }
                    }
                }
            }
            return total;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
