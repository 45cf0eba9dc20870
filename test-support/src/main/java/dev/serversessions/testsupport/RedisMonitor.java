package dev.serversessions.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Counts what Redis itself sees, through {@code MONITOR}: every command a client sends (one
 * round trip each, as no pipelining is used) and, marked {@code lua}, every command a script runs.
 * The test brackets the operations it measures with {@link #commandsSinceLastMark()}, which
 * sends an {@code ECHO} marker from a connection of its own and returns what came before it.
 */
public final class RedisMonitor implements AutoCloseable {
    private final Socket monitor;
    private final Socket control;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private int marks;
    private static final String EXPIRY_SWEEP_LEASE = "!expiry-sweep";
    private static final String EXPIRY_INDEX = "!expiries";
    /** Whether the last command a client sent was the expiry sweep's: a script's commands follow it in MONITOR. */
    private boolean inExpirySweep;

    /** A monitor of a Redis without a password. */
    public RedisMonitor(int port) throws IOException {
        this(port, null);
    }

    /** A monitor of a Redis that asks for {@code password} (null: none). */
    public RedisMonitor(int port, String password) throws IOException {
        monitor = connect(port);
        control = connect(port);
        BufferedReader in = new BufferedReader(new InputStreamReader(monitor.getInputStream(), StandardCharsets.ISO_8859_1));
        if (password != null) {
            send(monitor, "AUTH " + password);
            in.readLine();
            send(control, "AUTH " + password);
            control.getInputStream().read(new byte[64]);
        }
        send(monitor, "MONITOR");
        String ok = in.readLine();
        if (!"+OK".equals(ok)) {
            throw new IOException("MONITOR answered " + ok);
        }
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // closed
            }
        }, "redis-monitor-" + port);
        reader.setDaemon(true);
        reader.start();
        commandsSinceLastMark();
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return socket;
    }

    private static void send(Socket socket, String inline) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((inline + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Every command Redis ran since the previous call, as MONITOR printed them. */
    /**
     * The commands run since the last call, without those of the library's expiry sweep, which
     * a server whose application has session listeners runs in the background, whatever the
     * requests do: a script whose first key is the sweep's lease or the expiry index (keys with
     * {@value #EXPIRY_SWEEP_LEASE} or ending in {@value #EXPIRY_INDEX}) and the commands it ran. A
     * session's write, whose script names the index as its second key, stays.
     */
    public List<Command> commandsSinceLastMark() throws IOException {
        String mark = "mark-" + (++marks) + "-" + System.nanoTime();
        send(control, "ECHO " + mark);
        control.getInputStream().read(new byte[256]);
        List<Command> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String line;
            try {
                line = lines.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (line == null) {
                continue;
            }
            if (line.contains("\"" + mark + "\"")) {
                return seen;
            }
            Command command = Command.parse(line);
            if (!command.fromScript()) {
                String firstKey = command.argument(3); // EVALSHA sha numkeys key...
                inExpirySweep = command.name().equals("EVALSHA") && firstKey != null
                        && (firstKey.contains(EXPIRY_SWEEP_LEASE) || firstKey.endsWith(EXPIRY_INDEX));
            }
            if (!inExpirySweep) {
                seen.add(command);
            }
        }
        throw new IOException("MONITOR never showed the marker " + mark);
    }

    @Override
    public void close() throws IOException {
        monitor.close();
        control.close();
    }

    /** One line of MONITOR output: who ran which command. */
    public record Command(boolean fromScript, String name, String line) {
        static Command parse(String line) {
            int open = line.indexOf('[');
            int close = line.indexOf(']', open);
            String origin = line.substring(open + 1, close);
            int quote = line.indexOf('"', close);
            String name = line.substring(quote + 1, line.indexOf('"', quote + 1)).toUpperCase(java.util.Locale.ROOT);
            return new Command(origin.endsWith(" lua"), name, line);
        }

        /** The {@code index}th quoted word of the line (0: the command's name), or null. */
        public String argument(int index) {
            int at = line.indexOf('"');
            for (int i = 0; at >= 0; i++) {
                int end = at + 1;
                while (end < line.length() && line.charAt(end) != '"') {
                    end += line.charAt(end) == '\\' ? 2 : 1;
                }
                if (end >= line.length()) {
                    return null;
                }
                if (i == index) {
                    return line.substring(at + 1, end);
                }
                at = line.indexOf('"', end + 1);
            }
            return null;
        }

        /** A command a client sent over the network: one round trip. */
        public boolean isRoundTrip() {
            return !fromScript;
        }
    }

    /** How many round trips (client commands) a list holds. */
    public static long roundTrips(List<Command> commands) {
        return commands.stream().filter(Command::isRoundTrip).count();
    }
}
