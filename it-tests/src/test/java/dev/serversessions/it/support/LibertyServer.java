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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Open Liberty (the full runtime zip from Maven Central) serving the test WAR at
 * {@code http://127.0.0.1:port/}, configured by {@code SESSION_*} environment variables, started
 * the way a user starts it: {@code bin/server run} (which replaces itself with the server's JVM,
 * so the process is the server).
 *
 * <p>Each server has its own user directory ({@code WLP_USER_DIR}: server.xml, logs, work area)
 * and one port: HTTP on 127.0.0.1, no HTTPS port, no command port. Further WARs are deployed
 * by copying them into {@code dropins} (context root = file name), as a user would.
 */
public final class LibertyServer implements AppServer {
    private static final Duration STARTUP = Duration.ofMinutes(3);
    private static final String SERVER = "it";

    /**
     * What the test WARs need, nothing more: the minimal set plus JAX-RS (the example's
     * API) and Jakarta Security (its logins). Liberty loads only the features server.xml names.
     */
    static final List<String> FEATURES = List.of("cdi-4.0", "servlet-6.0", "mpConfig-3.1", "persistence-3.1",
            "jsonb-3.0", "restfulWS-3.1", "appSecurity-5.0");

    private final String name;
    private final Map<String, String> env;
    private final int port = Ports.free();
    private final Path userDir;
    private final Path war;
    private Path log;
    private Process process;
    private int starts;

    private LibertyServer(String name, Map<String, String> env, Path war) {
        this.name = name;
        this.env = Map.copyOf(env);
        this.userDir = PayaraMicro.workDir().resolve("liberty-" + name + "-" + port);
        this.war = discoverAllBeans(war, userDir.resolve(war.getFileName()));
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "stop Open Liberty " + name));
    }

    /** Starts a server with the test WAR at the context root and waits until the WAR answers. */
    public static LibertyServer start(String name, Map<String, String> env) {
        return start(name, env, Path.of(System.getProperty("it.war")));
    }

    /** Starts a server with another WAR at the root (it must answer {@code GET /probe/untouched}). */
    public static LibertyServer start(String name, Map<String, String> env, Path war) {
        LibertyServer server = new LibertyServer(name, env, war);
        server.provision();
        server.startProcess();
        server.awaitReady();
        return server;
    }

    /** The Open Liberty installation the build unpacked. */
    public static Path home() {
        Path home = Path.of(System.getProperty("it.libertyHome", "target/runtimes/openliberty/wlp"));
        if (!Files.isExecutable(home.resolve("bin/server"))) {
            throw new AssertionError("no Open Liberty at " + home.toAbsolutePath()
                    + ": build it-tests through Maven (the dependency plugin unpacks io.openliberty:openliberty-runtime there)");
        }
        return home;
    }

    /**
     * What docs/runtimes.md asks of Liberty users with {@code @ServerSessionScoped} beans: a
     * {@code WEB-INF/beans.xml} with {@code bean-discovery-mode="all"}. Liberty decides which
     * classes of an annotated bean archive are beans from the bean-defining annotations it knows
     * before CDI starts, and a scope declared in the library jar (no bean archive, on purpose) is
     * not among them: with the example's {@code annotated} beans.xml, deployment fails with
     * {@code WELD-001408: Unsatisfied dependencies for type Cart}. The copy differs from
     * {@code war} in that one attribute (or in one beans.xml added, for a WAR without one).
     */
    public static Path discoverAllBeans(Path war, Path copy) {
        try {
            Files.createDirectories(copy.getParent());
            Files.copy(war, copy, StandardCopyOption.REPLACE_EXISTING);
            try (java.nio.file.FileSystem zip = java.nio.file.FileSystems.newFileSystem(copy)) {
                Path beansXml = zip.getPath("WEB-INF/beans.xml");
                String all = "bean-discovery-mode=\"all\"";
                if (Files.exists(beansXml)) {
                    String xml = Files.readString(beansXml);
                    if (!xml.contains(all)) {
                        if (!xml.contains("bean-discovery-mode=\"annotated\"")) {
                            throw new AssertionError(war + ": WEB-INF/beans.xml names no bean-discovery-mode:\n" + xml);
                        }
                        Files.writeString(beansXml, xml.replace("bean-discovery-mode=\"annotated\"", all));
                    }
                } else {
                    Files.createDirectories(beansXml.getParent());
                    Files.writeString(beansXml, "<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"4.0\" " + all + "/>\n");
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + war + " for Open Liberty", e);
        }
    }

    private Path serverDir() {
        return userDir.resolve("servers").resolve(SERVER);
    }

    private void provision() {
        StringBuilder features = new StringBuilder();
        FEATURES.forEach(f -> features.append("    <feature>").append(f).append("</feature>\n"));
        String serverXml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <server description="server-sessions it-tests">
                  <featureManager>
                %s  </featureManager>
                  <!-- the only port: HTTP on loopback; no HTTPS listener at all -->
                  <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="-1"/>
                  <!-- WARs run unpacked: classes then come from .../WEB-INF/classes/, which is how the
                       library's Java codec recognises the application's own classes (a packed WAR's
                       classes come from the archive's URL, and their values are refused as not
                       allowlisted); docs/runtimes.md -->
                  <applicationManager autoExpand="true"/>
                  <!-- Liberty starts with a few threads per core and adds more slowly: the tests'
                       50 concurrent clients each get one, as on WildFly -->
                  <executor coreThreads="64" maxThreads="128"/>
                  <!-- the application's INFO lines (the library's log) on the console the test reads -->
                  <logging consoleLogLevel="INFO" consoleFormat="SIMPLE"/>
                  <!-- removing a WAR from dropins undeploys it, copying it back deploys it: the redeploy test -->
                  <applicationMonitor updateTrigger="polled" pollingRate="500ms" dropinsEnabled="true"/>
                  <!-- Jakarta EE's default data source, for applications with their own persistence unit -->
                  <dataSource id="DefaultDataSource" jndiName="jdbc/default">
                    <jdbcDriver libraryRef="h2"/>
                    <properties URL="jdbc:h2:mem:default;DB_CLOSE_DELAY=-1"/>
                  </dataSource>
                  <library id="h2"><file name="%s"/></library>
                  <!-- EclipseLink whole from Liberty (docs/runtimes.md): Liberty shows applications only
                       EclipseLink's API packages, so SESSION_TYPE=sqlalchemy met Liberty's
                       PersistenceProvider and the WAR's JavaLog (ClassCastException to SessionLog) -->
                  <webApplication id="root" location="%s" contextRoot="/">
                    <classloader apiTypeVisibility="+third-party"/>
                  </webApplication>
                </server>
                """.formatted(features, port, System.getProperty("it.h2Jar", ""), war.toAbsolutePath());
        try {
            Files.createDirectories(serverDir().resolve("dropins"));
            Files.writeString(serverDir().resolve("server.xml"), serverXml);
            Files.writeString(serverDir().resolve("jvm.options"), "-Xmx512m\n-XX:TieredStopAtLevel=1\n-XX:+UseSerialGC\n");
            // No command port: the server is stopped by its process id, and opens nothing else.
            Files.writeString(serverDir().resolve("bootstrap.properties"), "command.port=-1\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot provision " + userDir, e);
        }
    }

    private void startProcess() {
        starts++;
        log = PayaraMicro.workDir().resolve(name + "-liberty-" + port + "-" + starts + ".log");
        ProcessBuilder builder = new ProcessBuilder(home().resolve("bin/server").toString(), "run", SERVER);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("SESSION_") || k.equals("PERMANENT_SESSION_LIFETIME")
                || k.startsWith("WLP_") || k.equals("JVM_ARGS") || k.equals("JAVA_OPTS"));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("WLP_USER_DIR", userDir.toString());
        environment.putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        builder.directory(PayaraMicro.workDir().toFile());
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Open Liberty", e);
        }
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Open Liberty exited with " + process.exitValue() + ":\n" + log());
            }
            String log = log();
            // CWWKZ0002E / CWWKZ0004E: the application failed to start
            if (log.contains("CWWKZ0002E") || log.contains("CWWKZ0004E")) {
                close();
                throw new AssertionError("Open Liberty started, but the WAR failed to deploy:\n" + log);
            }
            if (log.contains("CWWKF0011I")) { // "The server ... is ready to run a smarter planet"
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
        throw new AssertionError("Open Liberty did not serve the WAR within " + STARTUP + ":\n" + log());
    }

    /**
     * Deploys {@code war} at {@code /contextRoot} (copied into dropins as {@code contextRoot.war})
     * and waits until Liberty says it started ({@code CWWKZ0001I}).
     */
    public void deploy(Path war, String contextRoot) {
        int before = count("CWWKZ0001I: Application " + contextRoot + " started");
        Path dropins = serverDir().resolve("dropins");
        try {
            // Copied beside, then renamed: the monitor must never see half a file.
            Path partial = Files.copy(war, userDir.resolve(contextRoot + ".war.part"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, dropins.resolve(contextRoot + ".war"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot deploy " + war, e);
        }
        awaitLog("CWWKZ0001I: Application " + contextRoot + " started", before, contextRoot + " deployed");
    }

    /** Removes the WAR deployed at {@code /contextRoot} and waits until Liberty stopped it ({@code CWWKZ0009I}). */
    public void undeploy(String contextRoot) {
        int before = count("CWWKZ0009I: The application " + contextRoot + " has stopped");
        try {
            Files.delete(serverDir().resolve("dropins").resolve(contextRoot + ".war"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot undeploy " + contextRoot, e);
        }
        awaitLog("CWWKZ0009I: The application " + contextRoot + " has stopped", before, contextRoot + " undeployed");
    }

    private int count(String line) {
        return log().split(java.util.regex.Pattern.quote(line), -1).length - 1;
    }

    private void awaitLog(String line, int before, String what) {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (count(line) > before) {
                return;
            }
            String log = log();
            if (log.contains("CWWKZ0002E") || log.contains("CWWKZ0004E")) {
                throw new AssertionError("Open Liberty failed: " + what + ":\n" + log);
            }
            pause(200);
        }
        throw new AssertionError("Open Liberty: not " + what + " within " + STARTUP + ":\n" + log());
    }

    /** The server again, after a stop, with the same port, directory and settings. */
    @Override
    public LibertyServer restart() {
        close();
        startProcess();
        awaitReady();
        return this;
    }

    @Override
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public int port() {
        return port;
    }

    /** The server's process id (the JVM: {@code server run} replaces itself with it). */
    public long pid() {
        return process.pid();
    }

    @Override
    public String log() {
        try {
            return log != null && Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
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
    public LibertyServer another(String otherName, Map<String, String> moreEnv) {
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
