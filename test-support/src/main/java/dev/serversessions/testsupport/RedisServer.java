package dev.serversessions.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * A real redis-server (or sentinel) process on 127.0.0.1, in a directory of its own, killed when
 * the test ends and, failing that, when the JVM exits. Ports come from {@link Ports#free()}.
 */
public final class RedisServer implements AutoCloseable {
    private static final Set<RedisServer> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(RedisServer::kill)));
    }

    private final int port;
    private final Path dir;
    private final List<String> command;
    private final String readyLine;
    private Process process;
    private int starts;

    private RedisServer(int port, Path dir, List<String> command, String readyLine) {
        this.port = port;
        this.dir = dir;
        this.command = command;
        this.readyLine = readyLine;
    }

    /**
     * A server on a free port whose data survives a kill: append-only file synced on every
     * write, like a production Redis with persistence.
     */
    public static RedisServer persistent(Path parent, String... extraArgs) {
        return start(parent, freePort(), extraArgs);
    }

    /** A server on {@code port} (the plain port; 0 with {@code --tls-port} for TLS only). */
    public static RedisServer start(Path parent, int port, String... extraArgs) {
        int name = port != 0 ? port : freePort();
        Path dir = parent.resolve("redis-" + name);
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "",
                "--appendonly", "yes", "--appendfsync", "always"));
        command.addAll(List.of(extraArgs));
        RedisServer server = new RedisServer(port, dir, command, "Ready to accept connections");
        server.launch();
        return server;
    }

    /**
     * A server that speaks only TLS, on 127.0.0.1 and 127.0.0.2 (both loopback: the second lets a
     * test reach it under a name its certificate does not carry).
     */
    public static RedisServer tls(Path parent, Path certificate, Path key) {
        int port = freePort();
        Path dir = parent.resolve("redis-tls-" + port);
        RedisServer server = new RedisServer(port, dir, List.of("redis-server", "--port", "0", "--tls-port", String.valueOf(port),
                "--bind", "127.0.0.1", "127.0.0.2", "--dir", dir.toString(), "--save", "",
                "--tls-cert-file", certificate.toString(), "--tls-key-file", key.toString(),
                "--tls-ca-cert-file", certificate.toString(), "--tls-auth-clients", "no"), "Ready to accept connections");
        server.launch();
        return server;
    }

    /** A sentinel watching {@code master}, quick to decide that it is down. */
    public static RedisServer sentinel(Path parent, String masterName, int masterPort) {
        int port = freePort();
        Path dir = parent.resolve("sentinel-" + port);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("sentinel.conf"), String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "dir " + dir,
                    "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 1",
                    "sentinel down-after-milliseconds " + masterName + " 1000",
                    "sentinel failover-timeout " + masterName + " 10000",
                    ""));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        RedisServer server = new RedisServer(port, dir,
                List.of("redis-server", dir.resolve("sentinel.conf").toString(), "--sentinel"), "+monitor master");
        server.launch();
        return server;
    }

    /** A free loopback port whose cluster bus port (+10000) is free as well. */
    public static int freeClusterPort() {
        for (int i = 0; i < 100; i++) {
            int port = freePort();
            if (port + 10000 <= 65535 && isFree(port + 10000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair for a cluster node");
    }

    public static int freePort() {
        return Ports.free();
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** The redis-server process's id, for what it spends of the machine's CPU. */
    public long pid() {
        return process.pid();
    }

    public Path dir() {
        return dir;
    }

    /**
     * Everything the selected database of a Redis server holds, as a reader of its data (an RDB
     * file, a replica) sees it: every key with its value, whatever its type (a session hash, an
     * owner index's sorted set, the {@code !expiries} set, a lock string), binary as ISO-8859-1
     * text.
     */
    public static String contents(Jedis admin) {
        java.nio.charset.Charset bytes = java.nio.charset.StandardCharsets.ISO_8859_1;
        StringBuilder dump = new StringBuilder();
        for (byte[] key : admin.keys("*".getBytes(bytes))) {
            dump.append(new String(key, bytes)).append(" = ");
            switch (admin.type(key)) {
                case "string" -> dump.append(new String(admin.get(key), bytes));
                case "hash" -> admin.hgetAll(key).forEach((f, v) -> dump.append(new String(f, bytes)).append(':').append(new String(v, bytes)).append(' '));
                case "zset" -> admin.zrangeWithScores(key, 0, -1).forEach(t -> dump.append(new String(t.getBinaryElement(), bytes)).append(' '));
                case "set" -> admin.smembers(key).forEach(m -> dump.append(new String(m, bytes)).append(' '));
                case "list" -> admin.lrange(key, 0, -1).forEach(m -> dump.append(new String(m, bytes)).append(' '));
                default -> dump.append("(").append(admin.type(key)).append(")");
            }
            dump.append('\n');
        }
        return dump.toString();
    }

    /** A plain connection for the test's own checks. */
    public Jedis admin() {
        return new Jedis("127.0.0.1", port);
    }

    private void launch() {
        starts++;
        Path log = dir.resolve("redis-" + starts + ".log");
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + command.get(0) + " (" + e.getMessage()
                    + "): the Redis tests need redis-server 7 on the PATH (Debian: apt-get install redis-server)", e);
        }
        RUNNING.add(this);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            String text = read(log);
            if (text.contains(readyLine)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError(String.join(" ", command) + " exited:\n" + text);
            }
            sleep(50);
        }
        kill();
        throw new AssertionError(String.join(" ", command) + " did not get ready in 20 s:\n" + read(log));
    }

    /** Kills the process as a crash would (SIGKILL): no shutdown save, connections cut. */
    public void kill() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        RUNNING.remove(this);
    }

    /** Starts the server again on the same port and directory, with what it had persisted. */
    public void restart() {
        kill();
        launch();
    }

    @Override
    public void close() {
        kill();
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
