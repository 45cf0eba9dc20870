package dev.serversessions.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Who spent the machine's CPU over a stretch of load, from the kernel's own accounts
 * ({@code /proc/stat}, {@code /proc/<pid>/stat}): the whole machine, the server, the store, and
 * this harness with the wrk processes it ran and reaped. Clock ticks, USER_HZ (100 a second on Linux).
 */
record CpuUse(long machineBusy, long machineAll, long server, long store, long harness) {
    private static final double TICKS_PER_SECOND = 100;

    /** Now; {@code storeProcess} names the store's processes by their command ({@code comm}) or their id. */
    static CpuUse now(long serverPid, Predicate<String> storeCommand, LongPredicate storePid) {
        long[] machine = machine();
        long store = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : (Iterable<Path>) processes::iterator) {
                String name = process.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                String[] stat = stat(pid);
                if (stat != null && (storePid.test(pid) || storeCommand.test(stat[0]))) {
                    store += Long.parseLong(stat[12]) + Long.parseLong(stat[13]);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String[] self = stat(ProcessHandle.current().pid());
        long harness = Long.parseLong(self[12]) + Long.parseLong(self[13]) + Long.parseLong(self[14]) + Long.parseLong(self[15]);
        String[] server = stat(serverPid);
        return new CpuUse(machine[0], machine[1], server == null ? 0 : Long.parseLong(server[12]) + Long.parseLong(server[13]),
                store, harness);
    }

    /** What was spent from {@code before} to this one, per thousand of {@code requests}: a line for the report. */
    String since(CpuUse before, long requests) {
        double perThousand = 1000.0 / Math.max(1, requests) / TICKS_PER_SECOND * 1000; // ms per 1,000 requests
        long all = machineAll - before.machineAll;
        return String.format("CPU per 1,000 requests: server %.0f ms, store %.0f ms, wrk and harness %.0f ms, "
                        + "machine %.0f ms (busy %.0f%% of both cores)",
                (server - before.server) * perThousand, (store - before.store) * perThousand,
                (harness - before.harness) * perThousand, (machineBusy - before.machineBusy) * perThousand,
                all == 0 ? 0.0 : 100.0 * (machineBusy - before.machineBusy) / all);
    }

    /** What was spent from {@code before} to this one, per request, in microseconds: a table cell. */
    String perRequest(CpuUse before, long requests) {
        double perRequest = 1e6 / Math.max(1, requests) / TICKS_PER_SECOND; // µs of CPU per request, per tick
        return String.format("%.0f / %.0f / %.0f µs", (server - before.server) * perRequest, (store - before.store) * perRequest,
                (machineBusy - before.machineBusy) * perRequest);
    }

    /** Busy and all ticks of every core ({@code /proc/stat}'s first line; idle and iowait are not busy). */
    private static long[] machine() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long all = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) {
                all += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new long[] {all - idle, all};
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The fields of {@code /proc/<pid>/stat} from the command on: [0] the command, [1] the state,
     * ..., [12] utime, [13] stime, [14] cutime, [15] cstime; null if the process is gone.
     */
    private static String[] stat(long pid) {
        try {
            String text = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            int open = text.indexOf('(');
            int close = text.lastIndexOf(')');
            String[] rest = text.substring(close + 2).trim().split(" ");
            String[] fields = new String[rest.length + 1];
            fields[0] = text.substring(open + 1, close);
            System.arraycopy(rest, 0, fields, 1, rest.length);
            return fields;
        } catch (IOException e) {
            return null; // ended meanwhile
        }
    }
}
