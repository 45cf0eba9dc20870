package dev.serversessions.it;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Metrics in the Prometheus text format, with OpenTelemetry's names turned into Prometheus'
 * as the runtimes do: dots become underscores, a counter ends in {@code _total}, a unit is
 * appended ({@code _seconds}, {@code _bytes}).
 */
final class PrometheusText implements MetricsContract.Snapshot {
    private static final Pattern LINE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)");
    private final String text;

    PrometheusText(String text) {
        this.text = text;
    }

    @Override
    public long counter(String name) {
        String base = name.replace('.', '_');
        return sum(base + "_total", null);
    }

    @Override
    public long histogramCount(String name, String operation) {
        String base = name.replace('.', '_');
        long seconds = sum(base + "_seconds_count", operation);
        return seconds + sum(base + "_bytes_count", operation) + sum(base + "_count", operation);
    }

    private long sum(String metric, String operation) {
        return Math.round(value(metric, operation));
    }

    /** The sum of one metric's values, of the lines whose {@code db_operation_name} is {@code operation} (null: all). */
    double value(String metric, String operation) {
        double total = 0;
        Matcher line = LINE.matcher(text);
        while (line.find()) {
            String labels = line.group(2) == null ? "" : line.group(2);
            if (line.group(1).equals(metric) && (operation == null || labels.contains("db_operation_name=\"" + operation + "\""))) {
                total += Double.parseDouble(line.group(3));
            }
        }
        return total;
    }

    /**
     * The sum of the lines whose name starts with {@code prefix} (a runtime may append a unit or
     * {@code _total}) and whose labels include {@code label} ({@code result="hit"}).
     */
    double labelled(String prefix, String label) {
        double total = 0;
        Matcher line = LINE.matcher(text);
        while (line.find()) {
            String labels = line.group(2) == null ? "" : line.group(2);
            if (line.group(1).startsWith(prefix) && labels.contains(label)) {
                total += Double.parseDouble(line.group(3));
            }
        }
        return total;
    }

    /** The library's lines (the runtime's own metrics left out). */
    @Override
    public String toString() {
        return text.lines().filter(l -> l.contains("serversessions") || l.contains("db_client_operation_duration"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }
}
