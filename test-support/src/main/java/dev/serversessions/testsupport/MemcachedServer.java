package dev.serversessions.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real memcached process on a free loopback port, for tests. If {@code memcached} is not on
 * the PATH it is installed from Debian's package first ({@code apt-get update}, then
 * {@code apt-get install -y memcached}); if that fails the test fails, saying so.
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
        Map<String, Long> stats = new HashMap<>();
        for (String line : new String(converse("stats".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII).split("\r\n")) {
            String[] parts = line.split(" ");
            if (parts.length == 3 && parts[0].equals("STAT") && parts[2].matches("\\d+")) {
                stats.put(parts[1], Long.parseLong(parts[2]));
            }
        }
        return stats;
    }

    /**
     * Clients connected now. Every probe of this class has memcached close its connection
     * before it returns, so probes are not counted (memcached updates the count a moment after
     * closing a socket: {@link #awaitClient} asks twice).
     */
    public long clients() {
        return stats().getOrDefault("curr_connections", 1L) - 1; // the stats probe itself
    }

    /** Waits until a client is connected, as a client that reconnected by itself is. */
    public void awaitClient() {
        long deadline = System.currentTimeMillis() + 10_000;
        int seen = 0;
        while (seen < 2) {
            seen = clients() >= 1 ? seen + 1 : 0;
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no client connected to memcached on port " + port + " within 10 s");
            }
            sleep(20);
        }
    }

    /** Freezes the process (SIGSTOP): connections stay open, nothing answers. */
    public void freeze() {
        signal("STOP");
    }

    /** Lets a frozen process run again (SIGCONT). */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new AssertionError("kill -" + name + " failed");
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The raw value stored under {@code key}, through the text protocol, or null. */
    public byte[] rawGet(String key) {
        byte[] answer = converse(("get " + key).getBytes(StandardCharsets.US_ASCII));
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        if (text.startsWith("END")) {
            return null;
        }
        int headerEnd = text.indexOf("\r\n");
        int length = Integer.parseInt(text.substring(0, headerEnd).split(" ")[3]);
        return Arrays.copyOfRange(answer, headerEnd + 2, headerEnd + 2 + length);
    }

    /** Every key memcached holds ({@code lru_crawler metadump all}), as a reader of the server would list them. */
    public java.util.List<String> keys() {
        // the crawler streams its answer and reads no further command until it ends: read to END, no quit
        java.util.List<String> keys = new java.util.ArrayList<>();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("lru_crawler metadump all\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.BufferedReader lines = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            for (String line = lines.readLine(); line != null && !line.equals("END"); line = lines.readLine()) {
                if (line.startsWith("key=")) {
                    keys.add(java.net.URLDecoder.decode(line.substring(4).split(" ")[0], StandardCharsets.UTF_8));
                } else if (line.startsWith("ERROR") || line.startsWith("CLIENT_ERROR") || line.startsWith("BUSY")) {
                    throw new AssertionError("memcached answered " + line + " to lru_crawler metadump");
                }
            }
        } catch (IOException e) {
            throw new AssertionError("memcached on port " + port + " did not list its keys: " + e, e);
        }
        return keys;
    }

    /** Stores raw bytes under {@code key} through the text protocol, bypassing the backend. */
    public void rawSet(String key, byte[] value, int exptime) {
        rawSet(key, value, exptime, 0);
    }

    /** Stores raw bytes with the given client flags (other clients mark compressed or serialized values so). */
    public void rawSet(String key, byte[] value, int exptime, int flags) {
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        command.writeBytes(("set " + key + " " + flags + " " + exptime + " " + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        command.writeBytes(value);
        String answer = new String(converse(command.toByteArray()), StandardCharsets.US_ASCII);
        if (!answer.startsWith("STORED")) {
            throw new AssertionError("memcached answered " + answer.trim() + " to set " + key);
        }
    }

    /**
     * Sends one text-protocol command, then {@code quit}, and returns everything memcached
     * answered until it closed the connection itself.
     */
    private byte[] converse(byte[] command) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(command);
            out.write("\r\nquit\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return socket.getInputStream().readAllBytes();
        } catch (IOException e) {
            throw new AssertionError("memcached on port " + port + " did not answer: " + e, e);
        }
    }

    @Override
    public void close() {
        kill();
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
                probe.setSoTimeout(2000);
                probe.getOutputStream().write("quit\r\n".getBytes(StandardCharsets.US_ASCII));
                probe.getInputStream().readAllBytes(); // memcached closed it: never counted as a client
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

    /**
     * Finds memcached, installing Debian's package once if it is missing: once per JVM, and one
     * JVM at a time (the suite's test JVMs run side by side, and two apt-get runs at once fail on
     * dpkg's lock), the others finding it installed once they get the lock.
     */
    static final class Installer {
        private static String binary;

        private Installer() {
        }

        static synchronized String memcached() {
            if (binary == null) {
                binary = find();
                if (binary == null) {
                    installOnce();
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

        private static void installOnce() {
            Path lockFile = Path.of(System.getProperty("java.io.tmpdir"), "server-sessions-memcached-install.lock");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (find() == null) {
                    install();
                }
            } catch (IOException e) {
                throw new AssertionError("cannot take " + lockFile + " to install memcached: " + e, e);
            }
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
