package dev.serversessions.bench;

import dev.serversessions.it.support.PayaraMicro;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the server's request threads spend their time under one more window of load, from JDK
 * Flight Recorder ({@code jcmd <pid> JFR.start settings=profile}, in the JDK): each execution
 * sample of an HTTP worker thread ({@code http-thread-pool}) is given to the innermost frame of
 * its stack outside the JDK, and that frame's package to a part (the library's request rules, its
 * codec, its metrics, its backend, the store's client, Weld, Soteria, Payara's web container, the
 * application's own code). The window it profiles is not one of the measured ones.
 */
final class JfrProfile {
    /** Package prefixes to parts, most specific first. */
    private static final Map<String, String> PARTS = new LinkedHashMap<>();

    static {
        PARTS.put("dev.serversessions.internal.codec.", "the library: decoding and encoding values");
        PARTS.put("dev.serversessions.internal.metrics.", "the library: metrics and spans");
        PARTS.put("dev.serversessions.internal.backend.", "the library: its store backend");
        PARTS.put("dev.serversessions.internal.cdi.", "the library: CDI contexts (Weld's session context moved)");
        PARTS.put("dev.serversessions.internal.security.", "the library: logins");
        PARTS.put("dev.serversessions.example.", "the application's own code");
        PARTS.put("dev.serversessions.it.", "the application's own code");
        PARTS.put("dev.serversessions.", "the library: request rules (session, attributes, cookie, filter)");
        PARTS.put("redis.clients.", "the store's client (Jedis)");
        PARTS.put("org.postgresql.", "the store's client (JDBC, JPA)");
        PARTS.put("org.eclipse.persistence.", "the store's client (JDBC, JPA)");
        PARTS.put("com.zaxxer.", "the store's client (JDBC, JPA)");
        PARTS.put("org.jboss.weld.", "Weld (proxies, contexts, interceptors)");
        PARTS.put("org.glassfish.soteria.", "Soteria / Jakarta Authentication");
        PARTS.put("com.sun.enterprise.security.", "Soteria / Jakarta Authentication");
        PARTS.put("io.opentelemetry.", "metrics and tracing of the runtime");
        PARTS.put("fish.payara.microprofile.metrics.", "metrics and tracing of the runtime");
        PARTS.put("fish.payara.opentracing.", "metrics and tracing of the runtime");
        PARTS.put("org.glassfish.expressly.", "the application's own code");
        PARTS.put("org.eclipse.parsson.", "the application's own code");
    }

    private final PayaraMicro server;
    private final Path file;

    private JfrProfile(PayaraMicro server, Path file) {
        this.server = server;
        this.file = file;
    }

    static JfrProfile start(PayaraMicro server, String name) throws IOException, InterruptedException {
        Path file = Path.of(System.getProperty("it.workDir", "target")).resolve(name.replaceAll("[^A-Za-z0-9.-]", "_") + ".jfr")
                .toAbsolutePath();
        Files.deleteIfExists(file);
        jcmd(server, "JFR.start", "name=bench", "settings=profile", "filename=" + file);
        return new JfrProfile(server, file);
    }

    /** Stops the recording and sums its request threads' samples by part: a line for the report, and the file kept. */
    String stop() throws IOException, InterruptedException {
        jcmd(server, "JFR.stop", "name=bench");
        Map<String, Integer> byPart = new TreeMap<>();
        int total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            String thread = event.getThread("sampledThread") == null ? "" : event.getThread("sampledThread").getJavaName();
            if (thread == null || !thread.startsWith("http-thread-pool") || event.getStackTrace() == null) {
                continue;
            }
            byPart.merge(part(event.getStackTrace().getFrames()), 1, Integer::sum);
            total++;
        }
        StringBuilder line = new StringBuilder(String.format("%,d samples of request threads (%s): ", total, file.getFileName()));
        int all = Math.max(1, total);
        byPart.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> line.append(String.format("%s %.1f%%; ", e.getKey(), 100.0 * e.getValue() / all)));
        return line.toString().trim();
    }

    /** The part of the innermost frame outside the JDK and the Jakarta APIs, or the JDK. */
    private static String part(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.") || type.startsWith("sun.")
                    || type.startsWith("com.sun.proxy.") || type.startsWith("jakarta.")) {
                continue;
            }
            for (Map.Entry<String, String> e : PARTS.entrySet()) {
                if (type.startsWith(e.getKey())) {
                    return e.getValue();
                }
            }
            if (type.startsWith("org.apache.") || type.startsWith("org.glassfish.") || type.startsWith("com.sun.")
                    || type.startsWith("fish.payara.") || type.startsWith("org.jvnet.hk2.")) {
                return "Payara's web container and runtime";
            }
            return "other libraries";
        }
        return "the JDK alone (no frame outside it)";
    }

    private static void jcmd(PayaraMicro server, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(server.pid())));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + ": " + out);
        }
    }
}
