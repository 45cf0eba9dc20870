package dev.serversessions.it.support;

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
public final class PayaraMicro extends RuntimeServer {
    private static final Duration STARTUP = Duration.ofMinutes(3);
    private static final List<String> TEST_JVM_OPTIONS = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private Path war = Path.of(System.getProperty("it.war", "target/it-app.war"));
    /** Asadmin commands Payara runs once it has booted, before it deploys (null: none). */
    private Path postboot;

    private PayaraMicro(String name, Map<String, String> env) {
        super("Payara Micro", "payara", STARTUP, name, env);
    }

    /** Starts a server and waits until the WAR answers. */
    public static PayaraMicro start(String name, Map<String, String> env) {
        return start(name, env, testWar());
    }

    /** Starts a server with another WAR (it must answer {@code GET /probe/untouched}). */
    public static PayaraMicro start(String name, Map<String, String> env, Path war) {
        PayaraMicro server = new PayaraMicro(name, env);
        server.war = war;
        server.startUntilReady();
        return server;
    }

    /**
     * Starts a server with another WAR, after running the asadmin commands of {@code postboot}
     * (e.g. {@code create-file-user}) on every start.
     */
    public static PayaraMicro start(String name, Map<String, String> env, Path war, Path postboot) {
        PayaraMicro server = new PayaraMicro(name, env);
        server.war = war;
        server.postboot = postboot;
        server.startUntilReady();
        return server;
    }

    /**
     * Starts a server whose deployment is expected to fail, and returns its log once the
     * runtime has given up on the WAR.
     */
    public static String startExpectingDeploymentFailure(String name, Map<String, String> env) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try (PayaraMicro server = new PayaraMicro(name, env)) {
                server.startProcess();
                String log = awaitDeploymentOutcome(server);
                boolean deploymentSeen = log.contains("Deployed 0 archive") || log.contains("Exception while loading the app")
                        || log.contains("Failed to deploy");
                String reason = attempt == 1 && !deploymentSeen ? server.retryReason(log) : null;
                if (reason == null) {
                    return log;
                }
                // Payara itself did not boot (its start-up race), before it tried the WAR: as startUntilReady does
                System.err.println("Payara Micro " + name + " " + reason + " (log " + server.log + "); starting it again");
            }
        }
    }

    /** The log once Payara deployed, rejected or never reached the WAR (its process ended). */
    private static String awaitDeploymentOutcome(PayaraMicro server) throws InterruptedException {
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

    /** This start's root directory: each start has its own, which no later start reads. */
    private Path rootDir() {
        return workDir().resolve("payara-" + name + "-" + port + "-" + starts);
    }

    /** The root directory of the start that ended (the runtime unpacked there, 134 MB). */
    @Override
    protected void afterStop() {
        deleteTree(rootDir());
    }

    @Override
    protected List<String> command() {
        Path rootDir = rootDir();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions());
        command.addAll(List.of("-jar", System.getProperty("it.payaraMicro"),
                "--deploy", war.toString(), "--contextroot", "/",
                "--port", String.valueOf(port), "--nocluster",
                "--rootdir", rootDir.toString(),
                "--prebootcommandfile", System.getProperty("it.preboot")));
        if (postboot != null) {
            command.addAll(List.of("--postbootcommandfile", postboot.toString()));
        }
        return command;
    }

    /** Payara's logs keep their names of before: {@code name-port-start.log}. */
    @Override
    protected String logName() {
        return name + "-" + port + "-" + starts + ".log";
    }

    /**
     * Worth a second start when Payara itself failed to boot before deploying anything: its HK2 start-up has a race (a {@code ConcurrentModificationException}
     * in {@code SystemDescriptor.invokeInstanceListeners}, then "Shutdown requested", exit 0)
     * seen once in about a thousand starts on this machine, and a port can be taken by another
     * process between our choice and Payara's bind. A failure of our WAR is never retried.
     */
    @Override
    protected String retryReason(String log) {
        boolean bootRace = !process.isAlive() && (log.contains("MultiException") && log.contains("Shutdown requested")
                || log.contains("Address already in use") || log.contains("BindException"));
        return bootRace ? "failed to boot (runtime start-up race)" : null;
    }

    @Override
    protected long pollMillis() {
        return 500;
    }

    /** The server again, after a stop, with the same port and settings (sessions must survive). */
    @Override
    public PayaraMicro restart() {
        super.restart();
        return this;
    }

    public Map<String, String> env() {
        return new HashMap<>(env);
    }

    /** The server's process id, for tools such as jcmd. */
    public long pid() {
        return process.pid();
    }

    @Override
    protected Duration stopGrace() {
        return Duration.ofSeconds(20);
    }

    @Override
    public PayaraMicro another(String otherName, Map<String, String> moreEnv) {
        return start(otherName, envWith(moreEnv));
    }


}
