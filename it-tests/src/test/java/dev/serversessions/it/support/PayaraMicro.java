package dev.serversessions.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Payara Micro process serving the test WAR at {@code http://127.0.0.1:port/}, configured
 * by {@code SESSION_*} environment variables, as a user would run it.
 */
public final class PayaraMicro implements AppServer {
    private static final Duration STARTUP = Duration.ofMinutes(3);
    private static final List<String> TEST_JVM_OPTIONS = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private final int port;
    private Path log;
    private final Map<String, String> env;
    private final String name;
    private Path war = Path.of(System.getProperty("it.war", "target/it-app.war"));
    private Process process;
    private int starts;

    private PayaraMicro(String name, Map<String, String> env) {
        this.name = name;
        this.env = Map.copyOf(env);
        this.port = Ports.free();
    }

    /** Starts a server and waits until the WAR answers. */
    public static PayaraMicro start(String name, Map<String, String> env) {
        return start(name, env, Path.of(System.getProperty("it.war")));
    }

    /** Starts a server with another WAR (it must answer {@code GET /probe/untouched}). */
    public static PayaraMicro start(String name, Map<String, String> env, Path war) {
        PayaraMicro server = new PayaraMicro(name, env);
        server.war = war;
        server.startUntilReady();
        return server;
    }

    /**
     * Starts a server whose deployment is expected to fail, and returns its log once the
     * runtime has given up on the WAR.
     */
    public static String startExpectingDeploymentFailure(String name, Map<String, String> env) throws Exception {
        try (PayaraMicro server = new PayaraMicro(name, env)) {
            server.startProcess();
            long deadline = System.nanoTime() + STARTUP.toNanos();
            while (System.nanoTime() < deadline) {
                String log = server.log();
                if (log.contains("Deployed 0 archive") || log.contains("Payara Micro URLs:") && !log.contains("it-app")
                        || log.contains("Exception while loading the app") || log.contains("Failed to deploy")
                        || !server.process.isAlive()) {
                    Thread.sleep(500);
                    return server.log();
                }
                Thread.sleep(500);
            }
            throw new AssertionError("Payara Micro neither deployed nor rejected the WAR in " + STARTUP + ":\n" + server.log());
        }
    }

    /**
     * The JVM flags of the server: small and quick to start for the test suite (C1 only, serial
     * GC, 384 MB), or the whitespace-separated {@code it.payaraJvmOptions} where set; the load
     * benchmark sets it, empty by default, to measure with the JVM's defaults as production runs.
     */
    public static List<String> jvmOptions() {
        String configured = System.getProperty("it.payaraJvmOptions");
        if (configured == null) {
            return TEST_JVM_OPTIONS;
        }
        return configured.isBlank() ? List.of() : List.of(configured.trim().split("\\s+"));
    }

    public static Path workDir() {
        Path dir = Path.of(System.getProperty("it.workDir", "target/it-work"));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return dir;
    }

    private void startProcess() {
        starts++;
        Path rootDir = workDir().resolve("payara-" + name + "-" + port + "-" + starts);
        log = workDir().resolve(name + "-" + port + "-" + starts + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions());
        command.addAll(List.of("-jar", System.getProperty("it.payaraMicro"),
                "--deploy", war.toString(), "--contextroot", "/",
                "--port", String.valueOf(port), "--nocluster",
                "--rootdir", rootDir.toString(),
                "--prebootcommandfile", System.getProperty("it.preboot")));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("SESSION_") || k.equals("PERMANENT_SESSION_LIFETIME"));
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        builder.directory(workDir().toFile());
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Payara Micro", e);
        }
    }

    /**
     * Starts the process and waits for the WAR, once more if Payara itself failed to boot before
     * deploying anything: its HK2 start-up has a race (a {@code ConcurrentModificationException}
     * in {@code SystemDescriptor.invokeInstanceListeners}, then "Shutdown requested", exit 0)
     * seen once in about a thousand starts on this machine, and a port can be taken by another
     * process between our choice and Payara's bind. A failure of our WAR is never retried.
     */
    private void startUntilReady() {
        for (int attempt = 1; ; attempt++) {
            startProcess();
            try {
                awaitReady();
                return;
            } catch (AssertionError e) {
                String log = log();
                boolean bootRace = !process.isAlive() && (log.contains("MultiException") && log.contains("Shutdown requested")
                        || log.contains("Address already in use") || log.contains("BindException"));
                if (!bootRace || attempt == 2) {
                    throw e;
                }
                System.err.println("Payara Micro " + name + " failed to boot (runtime start-up race, log "
                        + this.log + "); starting it again");
                close();
            }
        }
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Payara Micro exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(url("/probe/untouched"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        close();
        throw new AssertionError("Payara Micro did not serve the WAR within " + STARTUP + ":\n" + log());
    }

    /** The server again, after a stop, with the same port and settings (sessions must survive). */
    @Override
    public PayaraMicro restart() {
        close();
        startUntilReady();
        return this;
    }

    @Override
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public int port() {
        return port;
    }

    public Map<String, String> env() {
        return new HashMap<>(env);
    }

    /** The server's process id, for tools such as jcmd. */
    public long pid() {
        return process.pid();
    }

    @Override
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public PayaraMicro another(String otherName, Map<String, String> moreEnv) {
        Map<String, String> merged = new java.util.HashMap<>(env);
        merged.putAll(moreEnv);
        return start(otherName, merged);
    }

    @Override
    public void kill() {
        if (process == null) {
            return;
        }
        // the runtime's JVM may be a child of a launcher script: the JVM first, at once
        java.util.List<ProcessHandle> jvms = process.descendants().toList();
        jvms.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            for (ProcessHandle jvm : jvms) {
                jvm.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the killed server's JVM did not exit", e);
        }
    }

}
