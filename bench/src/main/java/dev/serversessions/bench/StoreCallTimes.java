package dev.serversessions.bench;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import java.util.HashMap;
import java.util.Map;

/**
 * The library's own timer of its store calls, as the server's {@code /metrics} gives it
 * ({@code db_client_operation_duration_seconds}): the mean of a call between two readings from
 * {@code _sum} and {@code _count}, and the server's own quantiles (Payara writes those in
 * nanoseconds, over the recent calls its timer keeps; docs/operations.md "Metrics").
 */
record StoreCallTimes(Map<String, Double> values) {
    private static final String TIMER = "db_client_operation_duration_seconds";

    static StoreCallTimes of(PayaraMicro server) {
        Browser.Response response = new Browser(server).get("/metrics?scope=application");
        Map<String, Double> values = new HashMap<>();
        if (response.status() == 200) {
            for (String line : response.body().split("\n")) {
                if (!line.startsWith(TIMER) || !line.contains("db_operation_name=\"")) {
                    continue;
                }
                int labels = line.indexOf('{');
                String name = line.substring(0, labels);
                String operation = label(line, "db_operation_name");
                String quantile = label(line, "quantile");
                String key = name + "/" + operation + (quantile == null ? "" : "/" + quantile);
                values.put(key, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return new StoreCallTimes(values);
    }

    private static String label(String line, String name) {
        int at = line.indexOf(name + "=\"");
        if (at < 0) {
            return null;
        }
        int start = at + name.length() + 2;
        return line.substring(start, line.indexOf('"', start));
    }

    /** The server's timer of {@code operation} since {@code before}: a line for the report. */
    String since(StoreCallTimes before, String operation) {
        double count = get(TIMER + "_count/" + operation) - before.get(TIMER + "_count/" + operation);
        double sum = get(TIMER + "_sum/" + operation) - before.get(TIMER + "_sum/" + operation);
        if (count <= 0) {
            return "the server's timer of " + operation + ": not available";
        }
        return String.format("the server's timer of %s: %,.0f calls, mean %.0f µs; its p50 %.0f µs, p99 %.0f µs, max %.0f µs",
                operation, count, sum / count * 1e6, get(TIMER + "/" + operation + "/0.5") / 1e3,
                get(TIMER + "/" + operation + "/0.99") / 1e3, get(TIMER + "_max/" + operation) / 1e3);
    }

    private double get(String key) {
        return values.getOrDefault(key, Double.NaN);
    }
}
