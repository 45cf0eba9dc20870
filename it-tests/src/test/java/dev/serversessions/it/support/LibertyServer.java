package dev.serversessions.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
public final class LibertyServer extends RuntimeServer implements DeploysWars {
    private static final Duration STARTUP = Duration.ofMinutes(3);
    private static final String SERVER = "it";

    /**
     * What the test WARs need, nothing more: the minimal set plus JAX-RS (the example's
     * API), Jakarta Security (its logins) and Faces (the example's {@code /faces/counter.xhtml}, on
     * MyFaces), and Jakarta Concurrency (part of the Web Profile: its {@code ContextService} gives
     * the listeners told of an expired session the application's naming context, as in the
     * container's own expiry). Liberty loads only the features server.xml names.
     */
    static final List<String> FEATURES = List.of("cdi-4.0", "servlet-6.0", "mpConfig-3.1", "persistence-3.1",
            "jsonb-3.0", "restfulWS-3.1", "appSecurity-5.0", "faces-4.0", "concurrent-3.0");

    private final Path userDir = ownDir();
    private final Path war;
    /** More features, server.xml elements and application bindings of one test class (empty: none). */
    private List<String> moreFeatures = List.of();
    private String moreServerXml = "";
    private String bindings = "";

    private LibertyServer(String name, Map<String, String> env, Path war) {
        super("Open Liberty", "liberty", STARTUP, name, env);
        this.war = discoverAllBeans(war, userDir.resolve(war.getFileName()));
    }

    /** Starts a server with the test WAR at the context root and waits until the WAR answers. */
    public static LibertyServer start(String name, Map<String, String> env) {
        return start(name, env, testWar());
    }

    /** Starts a server with another WAR at the root (it must answer {@code GET /probe/untouched}). */
    public static LibertyServer start(String name, Map<String, String> env, Path war) {
        LibertyServer server = new LibertyServer(name, env, war);
        server.provision();
        server.startUntilReady();
        return server;
    }

    /**
     * Starts a server with another WAR at the root, with {@code features} more, {@code serverXml}
     * added to server.xml (e.g. a {@code basicRegistry}) and {@code bindings} inside the
     * application's {@code webApplication} element (e.g. an {@code application-bnd}).
     */
    public static LibertyServer start(String name, Map<String, String> env, Path war, List<String> features, String serverXml,
                                      String bindings) {
        LibertyServer server = new LibertyServer(name, env, war);
        server.moreFeatures = List.copyOf(features);
        server.moreServerXml = serverXml;
        server.bindings = bindings;
        server.provision();
        server.startUntilReady();
        return server;
    }

    /** The Open Liberty installation the build unpacked. */
    public static Path home() {
        return installation("Open Liberty", "it.libertyHome", "target/runtimes/openliberty/wlp",
                "bin/server", "io.openliberty:openliberty-runtime");
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
        moreFeatures.forEach(f -> features.append("    <feature>").append(f).append("</feature>\n"));
        String serverXml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <server description="server-sessions it-tests">
                  <featureManager>
                %s  </featureManager>
                  <!-- the only port: HTTP on loopback; no HTTPS listener at all -->
                  <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="-1"/>
                  <!-- WARs run packed, Liberty's default: the library's java codec recognises the
                       application's own classes by their class file's entry in the archive -->
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
                %s
                  </webApplication>
                %s
                </server>
                """.formatted(features, port, System.getProperty("it.h2Jar", ""), war.toAbsolutePath(), bindings, moreServerXml);
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

    /** {@code bin/server run} replaces itself with the server's JVM: the process is the server. */
    @Override
    protected List<String> command() {
        return List.of(home().resolve("bin/server").toString(), "run", SERVER);
    }

    @Override
    protected boolean isRuntimeVariable(String key) {
        return key.startsWith("WLP_") || key.equals("JVM_ARGS") || key.equals("JAVA_OPTS");
    }

    @Override
    protected void configure(Map<String, String> environment) {
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("WLP_USER_DIR", userDir.toString());
    }

    @Override
    protected boolean booted(String log) {
        // CWWKZ0002E / CWWKZ0004E: the application failed to start
        if (log.contains("CWWKZ0002E") || log.contains("CWWKZ0004E")) {
            close();
            throw new AssertionError("Open Liberty started, but the WAR failed to deploy:\n" + log);
        }
        return log.contains("CWWKF0011I"); // "The server ... is ready to run a smarter planet"
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
        super.restart();
        return this;
    }

    /** The server's process id (the JVM: {@code server run} replaces itself with it). */
    public long pid() {
        return process.pid();
    }

    @Override
    protected Duration stopGrace() {
        return Duration.ofSeconds(30);
    }

    @Override
    public LibertyServer another(String otherName, Map<String, String> moreEnv) {
        return start(otherName, envWith(moreEnv));
    }


}
