package dev.serversessions.it.support;

import dev.serversessions.testsupport.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real WildFly (the distribution from Maven Central, its MicroProfile configuration) serving
 * the test WAR at {@code http://127.0.0.1:port/}, configured by {@code SESSION_*} environment
 * variables, started the way a user starts it: {@code bin/standalone.sh}.
 *
 * <p>Each server has its own base directory (a copy of {@code standalone/configuration}, its own
 * deployments, data and log) and its own free ports for HTTP, HTTPS and management, so several
 * run side by side and beside Payara Micro.
 */
public final class WildFlyServer extends RuntimeServer {
    private static final Duration STARTUP = Duration.ofMinutes(3);

    private int httpsPort = Ports.free();
    private int managementPort = Ports.free();
    private int managementHttpsPort = Ports.free();
    private final Path baseDir = ownDir();

    private WildFlyServer(String name, Map<String, String> env) {
        super("WildFly", "wildfly", STARTUP, name, env);
    }

    /** Starts a server with the test WAR at the context root and waits until the WAR answers. */
    public static WildFlyServer start(String name, Map<String, String> env) {
        return start(name, env, testWar());
    }

    /** Starts a server with another WAR (it must answer {@code GET /probe/untouched}). */
    public static WildFlyServer start(String name, Map<String, String> env, Path war) {
        WildFlyServer server = new WildFlyServer(name, env);
        server.provision();
        server.copyIntoDeployments(war, "ROOT.war");
        server.startUntilReady();
        return server;
    }

    /**
     * Starts a server with another WAR, after {@code configure} has had the server's own
     * {@code configuration} directory (e.g. to add users to {@code application-users.properties}).
     */
    public static WildFlyServer start(String name, Map<String, String> env, Path war, java.util.function.Consumer<Path> configure) {
        WildFlyServer server = new WildFlyServer(name, env);
        server.provision();
        configure.accept(server.baseDir.resolve("configuration"));
        server.copyIntoDeployments(war, "ROOT.war");
        server.startUntilReady();
        return server;
    }

    /** The WildFly installation the build unpacked. */
    public static Path home() {
        return installation("WildFly", "it.wildflyHome", "target/runtimes/wildfly",
                "bin/standalone.sh", "org.wildfly:wildfly-dist");
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
                // The MicroProfile profile has no Faces; the example has a Faces page, as an
                // existing application may: the full profile's Faces subsystem, added as is.
                Files.writeString(xml, Files.readString(xml).replace("<worker name=\"default\"/>",
                                "<worker name=\"default\" task-max-threads=\"128\"/>")
                        .replace("<extensions>", "<extensions>\n        <extension module=\"org.jboss.as.jsf\"/>")
                        .replaceFirst("</profile>", "    <subsystem xmlns=\"urn:jboss:domain:jsf:1.1\"/>\n    </profile>"));
                allowApplicationDefinedSecurity(configuration.resolve("standalone-microprofile.xml"));
            }
            Files.createDirectories(baseDir.resolve("deployments"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot provision " + baseDir, e);
        }
    }

    @Override
    protected List<String> command() {
        return List.of(home().resolve("bin/standalone.sh").toString(),
                "-c", "standalone-microprofile.xml",
                "-Djboss.server.base.dir=" + baseDir,
                "-b", "127.0.0.1", "-bmanagement", "127.0.0.1",
                "-Djboss.http.port=" + port, "-Djboss.https.port=" + httpsPort,
                "-Djboss.management.http.port=" + managementPort,
                "-Djboss.management.https.port=" + managementHttpsPort,
                "-Djboss.tx.node.id=it-" + port);
    }

    @Override
    protected boolean isRuntimeVariable(String key) {
        return key.equals("JAVA_OPTS") || key.equals("JBOSS_HOME");
    }

    @Override
    protected void configure(Map<String, String> environment) {
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("JBOSS_JAVA_SIZING", "-Xms64m -Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        // standalone.sh then relays the signals it gets (our destroy()) to the JVM instead of orphaning it.
        environment.put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
    }

    /**
     * Worth a second start, with fresh HTTPS and management ports, if one of WildFly's listeners
     * could not bind: another process may take a port between our choice and WildFly's bind. A
     * failure of our WAR is never retried.
     */
    @Override
    protected String retryReason(String log) {
        return log.contains("Address already in use") ? "could not bind a port" : null;
    }

    @Override
    protected void beforeRetry() {
        httpsPort = Ports.free();
        managementPort = Ports.free();
        managementHttpsPort = Ports.free();
    }

    @Override
    protected boolean booted(String log) {
        if (log.contains("WFLYSRV0026")) { // "started (with errors)": the WAR did not deploy
            close();
            throw new AssertionError("WildFly started, but the WAR failed to deploy:\n" + log);
        }
        return log.contains("WFLYSRV0025");
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
        super.restart();
        return this;
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
    protected Duration stopGrace() {
        return Duration.ofSeconds(30);
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

    @Override
    public WildFlyServer another(String otherName, Map<String, String> moreEnv) {
        return start(otherName, envWith(moreEnv));
    }
}
