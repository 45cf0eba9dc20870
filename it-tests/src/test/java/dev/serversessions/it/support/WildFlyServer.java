package dev.serversessions.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real WildFly (the distribution from Maven Central, its MicroProfile configuration) serving
 * the test WAR at {@code http://127.0.0.1:port/}, configured by {@code SESSION_*} environment
 * variables, started the way a user starts it: {@code bin/standalone.sh}.
 *
 * <p>Each server has its own base directory (a copy of {@code standalone/configuration}, its own
 * deployments, data and log) and its own free ports for HTTP, HTTPS and management, so several
 * run side by side and beside Payara Micro.
 */
public final class WildFlyServer implements AppServer {
    private static final Duration STARTUP = Duration.ofMinutes(3);

    private final String name;
    private final Map<String, String> env;
    private final int port = Ports.free();
    private int httpsPort = Ports.free();
    private int managementPort = Ports.free();
    private int managementHttpsPort = Ports.free();
    private final Path baseDir;
    private Path log;
    private Process process;
    private int starts;

    private WildFlyServer(String name, Map<String, String> env) {
        this.name = name;
        this.env = Map.copyOf(env);
        this.baseDir = PayaraMicro.workDir().resolve("wildfly-" + name + "-" + port);
        // Should the test JVM end without @AfterAll (killed build, crash), WildFly ends with it.
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "stop WildFly " + name));
    }

    /** Starts a server with the test WAR at the context root and waits until the WAR answers. */
    public static WildFlyServer start(String name, Map<String, String> env) {
        return start(name, env, Path.of(System.getProperty("it.war")));
    }

    /** Starts a server with another WAR (it must answer {@code GET /probe/untouched}). */
    public static WildFlyServer start(String name, Map<String, String> env, Path war) {
        WildFlyServer server = new WildFlyServer(name, env);
        server.provision();
        server.copyIntoDeployments(war, "ROOT.war");
        server.startUntilReady();
        return server;
    }

    /** The WildFly installation the build unpacked. */
    public static Path home() {
        Path home = Path.of(System.getProperty("it.wildflyHome", "target/runtimes/wildfly"));
        if (!Files.isExecutable(home.resolve("bin/standalone.sh"))) {
            throw new AssertionError("no WildFly at " + home.toAbsolutePath()
                    + ": build it-tests through Maven (the dependency plugin unpacks org.wildfly:wildfly-dist there)");
        }
        return home;
    }

    private void provision() {
        try {
            Path configuration = baseDir.resolve("configuration");
            if (!Files.isDirectory(configuration)) {
                copyTree(home().resolve("standalone/configuration"), configuration);
                // WildFly sizes its request threads by the CPU count: 16 on a two-core test
                // machine. Load tests with 50 clients measure the library's waits, not the time
                // requests queue in front of too few threads, so every client gets a thread.
                Path xml = configuration.resolve("standalone-microprofile.xml");
                Files.writeString(xml, Files.readString(xml).replace("<worker name=\"default\"/>",
                        "<worker name=\"default\" task-max-threads=\"128\"/>"));
                allowApplicationDefinedSecurity(configuration.resolve("standalone-microprofile.xml"));
            }
            Files.createDirectories(baseDir.resolve("deployments"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot provision " + baseDir, e);
        }
    }

    private void startProcess() {
        starts++;
        log = PayaraMicro.workDir().resolve(name + "-wildfly-" + port + "-" + starts + ".log");
        List<String> command = new ArrayList<>(List.of(home().resolve("bin/standalone.sh").toString(),
                "-c", "standalone-microprofile.xml",
                "-Djboss.server.base.dir=" + baseDir,
                "-b", "127.0.0.1", "-bmanagement", "127.0.0.1",
                "-Djboss.http.port=" + port, "-Djboss.https.port=" + httpsPort,
                "-Djboss.management.http.port=" + managementPort,
                "-Djboss.management.https.port=" + managementHttpsPort,
                "-Djboss.tx.node.id=it-" + port));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("SESSION_") || k.equals("PERMANENT_SESSION_LIFETIME")
                || k.equals("JAVA_OPTS") || k.equals("JBOSS_HOME"));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("JBOSS_JAVA_SIZING", "-Xms64m -Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        // standalone.sh then relays the signals it gets (our destroy()) to the JVM instead of orphaning it.
        environment.put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        environment.putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        builder.directory(PayaraMicro.workDir().toFile());
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start WildFly", e);
        }
    }

    /**
     * Starts the process and waits for the WAR, once more with fresh HTTPS and management ports if
     * one of WildFly's listeners could not bind: another process may take a port between our
     * choice and WildFly's bind. A failure of our WAR is never retried.
     */
    private void startUntilReady() {
        for (int attempt = 1; ; attempt++) {
            startProcess();
            try {
                awaitReady();
                return;
            } catch (AssertionError e) {
                if (!log().contains("Address already in use") || attempt == 2) {
                    throw e;
                }
                System.err.println("WildFly " + name + " could not bind a port (log " + log + "); starting it again");
                close();
                httpsPort = Ports.free();
                managementPort = Ports.free();
                managementHttpsPort = Ports.free();
            }
        }
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("WildFly exited with " + process.exitValue() + ":\n" + log());
            }
            String log = log();
            if (log.contains("WFLYSRV0026")) { // "started (with errors)": the WAR did not deploy
                close();
                throw new AssertionError("WildFly started, but the WAR failed to deploy:\n" + log);
            }
            if (log.contains("WFLYSRV0025")) {
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
            pause(300);
        }
        close();
        throw new AssertionError("WildFly did not serve the WAR within " + STARTUP + ":\n" + log());
    }

    private void copyIntoDeployments(Path war, String runtimeName) {
        Path deployments = baseDir.resolve("deployments");
        try {
            // Copied beside, then renamed: the scanner must never see half a file.
            Path partial = Files.copy(war, deployments.resolve(runtimeName + ".part"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, deployments.resolve(runtimeName), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot deploy " + war, e);
        }
    }

    /** The server again, after a stop, with the same ports, directory and settings. */
    @Override
    public WildFlyServer restart() {
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

    /**
     * Undertow refuses a Cookie header with a byte outside US-ASCII (UT000173) as soon as
     * WildFly's own handlers (Elytron's authentication, Weld's request listener) look up the
     * container's session, before any filter runs: every application on WildFly answers such a
     * request with 500, whatever it contains.
     */
    @Override
    public int cookieHeadersRefusedByTheRuntime() {
        return log().split("ERROR \\[io\\.undertow\\.request\\] .*UT000173", -1).length - 1;
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<ProcessHandle> jvm = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                jvm.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            jvm.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        // The shell has gone once the JVM it relayed to has; make sure no JVM outlives a test.
        jvm.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * What README asks of WildFly users with Jakarta Security (the example application logs in
     * through its own mechanism and identity store): {@code integrated-jaspi=false} on the
     * application security domain, so that the caller a mechanism announces becomes the identity
     * as it is, instead of being looked up in Elytron's own realm. Users run the jboss-cli
     * command README shows (so does examples/wildfly/run); here the same attribute is written
     * into this server's copy of the configuration, which saves the test a CLI run of 30 s.
     */
    private static void allowApplicationDefinedSecurity(Path config) throws IOException {
        String xml = Files.readString(config);
        String domain = "<application-security-domain name=\"other\" security-domain=\"ApplicationDomain\"/>";
        if (!xml.contains(domain)) {
            throw new AssertionError("WildFly's " + config.getFileName() + " no longer maps the domain 'other' as expected: " + domain);
        }
        Files.writeString(config, xml.replace(domain,
                "<application-security-domain name=\"other\" security-domain=\"ApplicationDomain\" integrated-jaspi=\"false\"/>"));
    }

    private static void copyTree(Path from, Path to) throws IOException {
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

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public WildFlyServer another(String otherName, Map<String, String> moreEnv) {
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
