package dev.serversessions.it.support;

import dev.serversessions.testsupport.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the launchers of the four runtimes share: one process per start, started from the work
 * directory with the test's {@code SESSION_*} variables only (none leak in from the developer's
 * shell), its output in a log file of its own; ready when {@code GET /probe/untouched} answers
 * 200; started once more when the runtime itself, never our WAR, failed to boot; stopped so that
 * no JVM outlives the test. Subclasses say how their runtime is started and how its log tells
 * "booted" and "the WAR failed".
 */
public abstract class RuntimeServer implements AppServer {
    private final String runtime;
    private final String key;
    private final Duration startup;
    protected final String name;
    protected final Map<String, String> env;
    protected final int port = Ports.free();
    protected Path log;
    protected Process process;
    protected int starts;

    /**
     * @param runtime what messages call the runtime ("WildFly")
     * @param key     what names of its directory and logs call it ("wildfly")
     * @param startup how long a start may take until the WAR answers
     */
    protected RuntimeServer(String runtime, String key, Duration startup, String name, Map<String, String> env) {
        this.runtime = runtime;
        this.key = key;
        this.startup = startup;
        this.name = name;
        this.env = Map.copyOf(env);
        // Should the test JVM end without @AfterAll (killed build, crash), the server ends with it.
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "stop " + runtime + " " + name));
    }

    /** The test WAR the build made ({@code it.war}). */
    protected static Path testWar() {
        return Path.of(System.getProperty("it.war"));
    }

    /**
     * The installation of a runtime the build unpacked, at the system property {@code property}
     * (or {@code fallback}); fails naming the artifact if {@code executable} is not there.
     */
    protected static Path installation(String runtime, String property, String fallback, String executable, String artifact) {
        Path home = Path.of(System.getProperty(property, fallback));
        if (!Files.isExecutable(home.resolve(executable))) {
            throw new AssertionError("no " + runtime + " at " + home.toAbsolutePath()
                    + ": build it-tests through Maven (the dependency plugin unpacks " + artifact + " there)");
        }
        return home;
    }

    /** Where servers keep their directories and logs ({@code it.workDir}), created if missing. */
    public static Path workDir() {
        Path dir = Path.of(System.getProperty("it.workDir", "target/it-work"));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return dir;
    }

    /** The command line of one start ({@link #starts} already counts it). */
    protected abstract List<String> command();

    /** The log file of this start, in the work directory. */
    protected String logName() {
        return name + "-" + key + "-" + port + "-" + starts + ".log";
    }

    /** The server's own directory in the work directory (configuration, deployments, data). */
    protected final Path ownDir() {
        return workDir().resolve(key + "-" + name + "-" + port);
    }

    /** Variables of the runtime's own that the test JVM's environment must not pass on. */
    protected boolean isRuntimeVariable(String key) {
        return false;
    }

    /** Sets what the runtime's scripts need (JAVA_HOME, ...) before the test's settings are added. */
    protected void configure(Map<String, String> environment) {
    }

    /**
     * Whether the log says the runtime has booted, so that the WAR is worth asking; throws (after
     * {@link #close()}) when it says the WAR failed to deploy.
     */
    protected boolean booted(String log) {
        return true;
    }

    /** How long to wait between two looks at a starting server. */
    protected long pollMillis() {
        return 300;
    }

    /**
     * Why a start that failed is worth one more attempt (the runtime, not our WAR, failed: a
     * start-up race, a port taken between our choice and the runtime's bind), or null: it is not.
     */
    protected String retryReason(String log) {
        return null;
    }

    /** Prepares the second attempt, e.g. with other ports. */
    protected void beforeRetry() {
    }

    /** The environment and directory of a process of this runtime (the server, or a tool such as asadmin). */
    protected final void prepare(ProcessBuilder builder) {
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("SESSION_") || k.equals("PERMANENT_SESSION_LIFETIME") || isRuntimeVariable(k));
        configure(environment);
        builder.directory(workDir().toFile());
    }

    protected final void startProcess() {
        starts++;
        log = workDir().resolve(logName());
        ProcessBuilder builder = new ProcessBuilder(command());
        prepare(builder);
        // Expired sessions are looked for every second (the default is 15 s), so that a test of
        // sessionDestroyed on expiry waits seconds; a test's own value wins.
        builder.environment().put("SESSION_EXPIRY_SWEEP_INTERVAL", "1");
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + runtime, e);
        }
    }

    /** Starts the process and waits for the WAR, once more if {@link #retryReason} says so. */
    protected final void startUntilReady() {
        for (int attempt = 1; ; attempt++) {
            startProcess();
            try {
                awaitReady();
                return;
            } catch (AssertionError e) {
                String reason = attempt == 1 ? retryReason(log()) : null;
                if (reason == null) {
                    throw e;
                }
                System.err.println(runtime + " " + name + " " + reason + " (log " + log + "); starting it again");
                close();
                beforeRetry();
            }
        }
    }

    /** Waits until the WAR answers {@code GET /probe/untouched} with 200. */
    protected final void awaitReady() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + startup.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(runtime + " exited with " + process.exitValue() + ":\n" + log());
            }
            if (booted(log())) {
                try {
                    HttpResponse<Void> response = client.send(HttpRequest.newBuilder(url("/probe/untouched"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not answering yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
            pause(pollMillis());
        }
        close();
        throw new AssertionError(runtime + " did not serve the WAR within " + startup + ":\n" + log());
    }

    /** The server again, after a stop, with the same port, directory and settings. */
    @Override
    public AppServer restart() {
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

    @Override
    public String log() {
        try {
            return log != null && Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** How long {@link #close()} waits for the process to end after SIGTERM before it kills it. */
    protected abstract Duration stopGrace();

    /** Runs before the process itself is asked to stop; {@code children} are its descendants. */
    protected void stopChildrenFirst(List<ProcessHandle> children) {
    }

    /**
     * SIGTERM, then SIGKILL after {@link #stopGrace()}; whatever the process started (a script's
     * JVM) is killed too if it is still alive.
     */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        if (!process.isAlive()) {
            afterStop();
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        stopChildrenFirst(children);
        process.destroy();
        try {
            if (!process.waitFor(stopGrace().toSeconds(), TimeUnit.SECONDS)) {
                children.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            children.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        afterStop();
    }

    /**
     * Runs once the process of a start has ended (closed or killed): a runtime whose start leaves
     * files no later start reads deletes them here, so that a suite of some hundred starts does not
     * fill the disk (a Payara Micro root directory is 134 MB).
     */
    protected void afterStop() {
    }

    /**
     * Deletes a directory tree a stopped server left, unless {@code it.keepServerDirs} is true (to
     * look into one after a failure; the server's log is kept apart in any case).
     */
    protected static void deleteTree(Path dir) {
        if (Boolean.getBoolean("it.keepServerDirs") || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }

    /**
     * SIGKILL at once, as a crash would end the server: the runtime's JVM first (it may be a
     * child of a launcher script), then the process itself; returns when both are gone.
     */
    @Override
    public void kill() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> jvms = process.descendants().toList();
        jvms.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
            for (ProcessHandle jvm : jvms) {
                jvm.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the killed server's JVM did not exit", e);
        }
        afterStop();
    }

    /** This server's settings with {@code moreEnv} on top: for {@link AppServer#another}. */
    protected final Map<String, String> envWith(Map<String, String> moreEnv) {
        Map<String, String> merged = new java.util.HashMap<>(env);
        merged.putAll(moreEnv);
        return merged;
    }

    protected static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    protected static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public String threadDump() {
        if (process == null || !process.isAlive()) {
            return "";
        }
        StringBuilder dumps = new StringBuilder();
        java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()), process.descendants()).forEach(jvm -> {
            try {
                Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(jvm.pid()), "Thread.print").redirectErrorStream(true).start();
                String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (jcmd.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && out.contains("Full thread dump")) {
                    dumps.append(out);
                }
            } catch (java.io.IOException e) {
                dumps.append("jcmd ").append(jvm.pid()).append(" failed: ").append(e).append('\n');
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return dumps.toString();
    }
}
