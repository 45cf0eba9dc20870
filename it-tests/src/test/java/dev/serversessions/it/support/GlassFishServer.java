package dev.serversessions.it.support;

import dev.serversessions.testsupport.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real GlassFish 7 (the full-profile zip from Maven Central) serving the test WAR at
 * {@code http://127.0.0.1:port/}, configured by {@code SESSION_*} environment variables,
 * started the way a user starts it: {@code asadmin start-domain --verbose} (the server JVM is
 * its child), the WAR deployed with {@code asadmin deploy}.
 *
 * <p>Each server has a domain of its own, a copy of {@code domain1} whose {@code domain.xml} is
 * rewritten before the first start: every listener GlassFish opens (HTTP, HTTPS, admin, the
 * three IIOP listeners, JMX, the JMS broker's port, the OSGi telnet shell) gets a free port
 * and the address 127.0.0.1, so several run side by side and nothing listens beyond loopback
 * ({@code ss -ltnp} on a running one shows six or seven listeners, every one on 127.0.0.1).
 */
public final class GlassFishServer extends RuntimeServer implements DeploysWars {
    private static final Duration STARTUP = Duration.ofMinutes(4);
    private static final String DOMAIN = "it";

    private final int adminPort = Ports.free();
    private final Path domainsDir = ownDir();

    private GlassFishServer(String name, Map<String, String> env) {
        super("GlassFish", "glassfish", STARTUP, name, env);
    }

    /** Starts a server with the test WAR at the context root and waits until the WAR answers. */
    public static GlassFishServer start(String name, Map<String, String> env) {
        return start(name, env, testWar());
    }

    /** Starts a server with another WAR at the root (it must answer {@code GET /probe/untouched}). */
    public static GlassFishServer start(String name, Map<String, String> env, Path war) {
        GlassFishServer server = new GlassFishServer(name, env);
        server.provision();
        server.startProcess();
        server.awaitDomain();
        server.deploy(war, "");
        server.awaitReady();
        return server;
    }

    /** The GlassFish installation the build unpacked ({@code glassfish7/glassfish}). */
    public static Path home() {
        return installation("GlassFish", "it.glassfishHome", "target/runtimes/glassfish/glassfish7",
                "bin/asadmin", "org.glassfish.main.distributions:glassfish");
    }

    private Path domainDir() {
        return domainsDir.resolve(DOMAIN);
    }

    private void provision() {
        try {
            copyTree(home().resolve("glassfish/domains/domain1"), domainDir());
            Path xml = domainDir().resolve("config/domain.xml");
            Files.writeString(xml, loopbackOnly(Files.readString(xml), port, adminPort));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot provision " + domainsDir, e);
        }
    }

    /**
     * domain1's {@code domain.xml} with every port of the running configuration
     * ({@code server-config}) moved to a free one and every listener bound to 127.0.0.1.
     * Fails if GlassFish's template no longer has a listener where it is expected, so a new
     * GlassFish version cannot silently open a port on every interface.
     */
    static String loopbackOnly(String xml, int http, int admin) {
        int split = xml.indexOf("<config name=\"default-config\"");
        String running = xml.substring(0, split);
        String rest = xml.substring(split);
        String[][] replacements = {
            {"<network-listener port=\"8080\"", "<network-listener address=\"127.0.0.1\" port=\"" + http + "\""},
            {"<network-listener port=\"8181\"", "<network-listener address=\"127.0.0.1\" port=\"" + Ports.free() + "\""},
            {"<network-listener port=\"4848\"", "<network-listener address=\"127.0.0.1\" port=\"" + admin + "\""},
            {"address=\"0.0.0.0\" port=\"3700\"", "address=\"127.0.0.1\" port=\"" + Ports.free() + "\""},
            {"address=\"0.0.0.0\" port=\"3820\"", "address=\"127.0.0.1\" port=\"" + Ports.free() + "\""},
            {"address=\"0.0.0.0\" port=\"3920\"", "address=\"127.0.0.1\" port=\"" + Ports.free() + "\""},
            {"address=\"0.0.0.0\" port=\"8686\"", "address=\"127.0.0.1\" port=\"" + Ports.free() + "\""},
            {"name=\"JMS_PROVIDER_PORT\" value=\"7676\"", "name=\"JMS_PROVIDER_PORT\" value=\"" + Ports.free() + "\""},
            {"-Dosgi.shell.telnet.port=6666", "-Dosgi.shell.telnet.port=" + Ports.free()},
            // Without a jms-service GlassFish adds one whose host is "localhost", and its lazy JMS
            // listener (Grizzly's JMS_PROXY_default_JMS_host) binds "localhost" as 0.0.0.0 on
            // purpose (ActiveJmsResourceAdapter.initializeLazyListener): a host of 127.0.0.1
            // is bound as it is
            {"</iiop-service>", "</iiop-service>\n"
                    + "      <jms-service type=\"EMBEDDED\" default-jms-host=\"default_JMS_host\">\n"
                    + "        <jms-host name=\"default_JMS_host\" host=\"127.0.0.1\" port=\"${JMS_PROVIDER_PORT}\""
                    + " lazy-init=\"true\" admin-user-name=\"admin\" admin-password=\"admin\"/>\n"
                    + "      </jms-service>"},
            // GlassFish's default pool (five threads) queues the tests' 50 concurrent clients behind
            // whatever waits for the store: every client gets a thread, as on WildFly and Liberty
            {"<thread-pool name=\"http-thread-pool\" max-queue-size=\"4096\">",
                    "<thread-pool name=\"http-thread-pool\" max-queue-size=\"4096\" max-thread-pool-size=\"128\">"},
            // Grizzly answers 400 to a request whose headers pass 8 KiB (the other three runtimes
            // take a 10 000-character cookie); and it never answers a header with a bare LF, it
            // closes the connection when the keep-alive timeout ends (30 s by default). Both are
            // refusals before any filter runs; docs/runtimes.md
            {"<http default-virtual-server=\"server\" max-connections=\"250\">",
                    "<http default-virtual-server=\"server\" max-connections=\"250\" header-buffer-length-bytes=\"65536\" timeout-seconds=\"5\">"},
            // the JDK's RMI registry of the JMX connector otherwise answers on the host name's address
            {"<jvm-options>-Xmx512m</jvm-options>", "<jvm-options>-Xmx512m</jvm-options>\n"
                    + "        <jvm-options>-Djava.rmi.server.hostname=127.0.0.1</jvm-options>\n"
                    + "        <jvm-options>-XX:TieredStopAtLevel=1</jvm-options>\n"
                    + "        <jvm-options>-XX:+UseSerialGC</jvm-options>"},
            // Jakarta EE's default data source (jdbc/__default) is Derby's network server on port
            // 1527, which nobody starts here: the embedded Derby GlassFish ships serves it instead
            {"datasource-classname=\"org.apache.derby.jdbc.ClientDataSource\"",
                    "datasource-classname=\"org.apache.derby.jdbc.EmbeddedDataSource\""},
            {"<property value=\"1527\" name=\"PortNumber\" />", ""},
            {"<property value=\"localhost\" name=\"serverName\" />", ""},
            {"<property value=\"sun-appserv-samples\" name=\"DatabaseName\" />",
                    "<property value=\"${com.sun.aas.instanceRoot}/lib/databases/default\" name=\"DatabaseName\" />"},
        };
        for (String[] replacement : replacements) {
            if (!running.contains(replacement[0])) {
                throw new AssertionError("GlassFish's domain.xml no longer contains " + replacement[0]);
            }
            running = running.replace(replacement[0], replacement[1]);
        }
        return (running + rest).replace("address=\"0.0.0.0\"", "address=\"127.0.0.1\"")
                .replace("address=*:", "address=127.0.0.1:");
    }

    /** {@code asadmin start-domain --verbose}: asadmin stays, as the parent of the server's JVM. */
    @Override
    protected List<String> command() {
        return List.of(home().resolve("bin/asadmin").toString(),
                "start-domain", "--verbose", "--domaindir", domainsDir.toString(), DOMAIN);
    }

    @Override
    protected boolean isRuntimeVariable(String key) {
        return key.startsWith("AS_") || key.equals("JAVA_OPTS");
    }

    @Override
    protected void configure(Map<String, String> environment) {
        environment.put("AS_JAVA", System.getProperty("java.home"));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
    }

    /** Waits for the domain's "startup time" line: from then on asadmin reaches it. */
    private void awaitDomain() {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("GlassFish exited with " + process.exitValue() + ":\n" + log());
            }
            if (log().contains("startup time")) {
                return;
            }
            pause(300);
        }
        close();
        throw new AssertionError("GlassFish's domain did not start within " + STARTUP + ":\n" + log());
    }

    /**
     * Deploys {@code war} at {@code /contextRoot} ({@code ""}: the root) with {@code asadmin
     * deploy}, named after its context root ({@code root} for the root).
     */
    public void deploy(Path war, String contextRoot) {
        asadmin("deploy", "--force=true", "--contextroot", "/" + contextRoot,
                "--name", contextRoot.isEmpty() ? "root" : contextRoot, war.toAbsolutePath().toString());
    }

    /** Undeploys the application {@link #deploy} put at {@code /contextRoot}. */
    public void undeploy(String contextRoot) {
        asadmin("undeploy", contextRoot.isEmpty() ? "root" : contextRoot);
    }

    /** A user of the domain's file realm ({@code asadmin create-file-user}), in {@code groups} (colon-separated). */
    public void createFileUser(String user, String password, String groups) {
        Path passwordFile = ownDir().resolve("user-password-" + user);
        try {
            Files.writeString(passwordFile, "AS_ADMIN_USERPASSWORD=" + password + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        asadmin("--passwordfile", passwordFile.toString(), "create-file-user", "--groups", groups, user);
    }

    private void asadmin(String... command) {
        List<String> line = new ArrayList<>(List.of(home().resolve("bin/asadmin").toString(),
                "--host", "127.0.0.1", "--port", String.valueOf(adminPort), "--interactive=false"));
        line.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line);
        prepare(builder);
        builder.redirectErrorStream(true);
        try {
            Process asadmin = builder.start();
            String output = new String(asadmin.getInputStream().readAllBytes());
            if (!asadmin.waitFor(5, TimeUnit.MINUTES) || asadmin.exitValue() != 0) {
                asadmin.destroyForcibly();
                throw new AssertionError("asadmin " + String.join(" ", command) + " failed:\n" + output + "\nserver log:\n" + log());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The server again, after a stop, with the same ports, domain and settings; GlassFish
     * redeploys what was deployed before (the domain remembers it).
     */
    @Override
    public GlassFishServer restart() {
        close();
        startProcess();
        awaitDomain();
        awaitReady();
        return this;
    }

    /**
     * On {@link #close()}: asadmin's verbose mode waits for the server JVM it started: the JVM is
     * stopped first (its shutdown hook stops GlassFish cleanly), then asadmin, which would
     * otherwise restart it.
     */
    @Override
    protected void stopChildrenFirst(List<ProcessHandle> jvms) {
        jvms.forEach(ProcessHandle::destroy);
        try {
            for (ProcessHandle jvm : jvms) {
                jvm.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            jvms.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Override
    protected Duration stopGrace() {
        return Duration.ofSeconds(20);
    }

    @Override
    public GlassFishServer another(String otherName, Map<String, String> moreEnv) {
        return start(otherName, envWith(moreEnv));
    }


}
