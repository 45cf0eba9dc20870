package dev.serversessions.it.support;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real memcached process on a free loopback port, for tests. If {@code memcached} is not on
 * the PATH it is installed from Debian's package first ({@code apt-get update}, then
 * {@code apt-get install -y memcached}); if that fails the test fails, saying so.
 *
 * <p>The backend's unit tests have a twin of this class: test classes do not cross modules.
 */
public final class MemcachedServer implements AutoCloseable {
    private static final long START_TIMEOUT_MILLIS = 10_000;

    private final int port;
    private final Path log;
    private Process process;

    private MemcachedServer(int port) throws IOException {
        this.port = port;
        this.log = Files.createTempFile("memcached-" + port + "-", ".log");
    }

    /** Starts memcached on a free port and waits until it accepts connections. */
    public static MemcachedServer start() {
        try {
            MemcachedServer server = new MemcachedServer(Ports.free());
            server.launch();
            return server;
        } catch (IOException e) {
            throw new AssertionError("cannot start memcached: " + e, e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, as SESSION_MEMCACHED lists it. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Kills the process at once (SIGKILL), as a crash or a pulled cable would end it. */
    public void kill() {
        Process running = process;
        if (running != null && running.isAlive()) {
            running.destroyForcibly();
            try {
                running.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts memcached again on the same port; it remembers nothing from before. */
    public void restart() {
        kill();
        try {
            launch();
        } catch (IOException e) {
            throw new AssertionError("cannot restart memcached on port " + port + ": " + e, e);
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** memcached's own counters ({@code stats}), e.g. cmd_get, cmd_set, cmd_touch, curr_items. */
    public Map<String, Long> stats() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            Map<String, Long> stats = new HashMap<>();
            for (String line = in.readLine(); line != null && !line.equals("END"); line = in.readLine()) {
                String[] parts = line.split(" ");
                if (parts.length == 3 && parts[2].matches("\\d+")) {
                    stats.put(parts[1], Long.parseLong(parts[2]));
                }
            }
            return stats;
        } catch (IOException e) {
            throw new AssertionError("memcached on port " + port + " did not answer stats: " + e, e);
        }
    }

    /** The raw value stored under {@code key}, through the text protocol, or null. */
    public byte[] rawGet(String key) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(("get " + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            String header = readLine(in);
            if (header.equals("END")) {
                return null;
            }
            String[] parts = header.split(" ");
            byte[] value = new byte[Integer.parseInt(parts[3])];
            in.readFully(value);
            return value;
        } catch (IOException e) {
            throw new AssertionError("memcached on port " + port + " did not answer get: " + e, e);
        }
    }

    /** Connections memcached has open now, this probe's own included. */
    public long connections() {
        return stats().getOrDefault("curr_connections", 0L);
    }

    /** Stores raw bytes under {@code key} through the text protocol, bypassing the backend. */
    public void rawSet(String key, byte[] value, int exptime) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(("set " + key + " 0 " + exptime + " " + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(value);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readLine(new DataInputStream(socket.getInputStream()));
            if (!answer.equals("STORED")) {
                throw new AssertionError("memcached answered " + answer + " to set " + key);
            }
        } catch (IOException e) {
            throw new AssertionError("memcached on port " + port + " did not answer set: " + e, e);
        }
    }

    @Override
    public void close() {
        kill();
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private void launch() throws IOException {
        String binary = Installer.memcached();
        ProcessBuilder builder = new ProcessBuilder(binary, "-l", "127.0.0.1", "-p", String.valueOf(port), "-U", "0", "-m", "64");
        if ("root".equals(System.getProperty("user.name"))) {
            builder.command().addAll(List.of("-u", "root")); // memcached refuses to run as root without it
        }
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process started = builder.start();
        process = started;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (!started.isAlive()) {
                throw new AssertionError("memcached exited with " + started.exitValue() + " on port " + port + ":\n" + Files.readString(log));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        started.destroyForcibly();
        throw new AssertionError("memcached did not listen on port " + port + " within " + START_TIMEOUT_MILLIS + " ms:\n" + Files.readString(log));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Finds memcached, installing Debian's package once per JVM if it is missing. */
    static final class Installer {
        private static String binary;

        private Installer() {
        }

        static synchronized String memcached() {
            if (binary == null) {
                binary = find();
                if (binary == null) {
                    install();
                    binary = find();
                    if (binary == null) {
                        throw new AssertionError("apt-get installed the memcached package, but no memcached binary is on the PATH");
                    }
                }
            }
            return binary;
        }

        private static String find() {
            String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/usr/sbin";
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, "memcached");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
            return null;
        }

        private static void install() {
            run("apt-get", "update");
            run("apt-get", "install", "-y", "memcached");
        }

        private static void run(String... command) {
            String shown = String.join(" ", command);
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
                builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
                Path output = Files.createTempFile("apt-", ".log");
                Process process = builder.redirectOutput(output.toFile()).start();
                if (!process.waitFor(10, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError("memcached is not installed and '" + shown + "' did not finish in 10 minutes");
                }
                if (process.exitValue() != 0) {
                    throw new AssertionError("memcached is not installed and '" + shown + "' failed with exit code "
                            + process.exitValue() + " (the tests need root, or install the Debian package memcached yourself):\n"
                            + Files.readString(output));
                }
            } catch (IOException e) {
                throw new AssertionError("memcached is not installed and '" + shown + "' could not run (" + e
                        + "): install the Debian package memcached", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while running " + shown, e);
            }
        }
    }
}
