package dev.serversessions.bench;

import dev.serversessions.bench.plain.UntouchedServlet;
import dev.serversessions.it.builtin.BasicLogin;
import dev.serversessions.it.builtin.Users;
import dev.serversessions.it.support.PayaraMicro;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The WAR of an application that never uses a session, built as a user builds it: with and
 * without this library's jar in {@code WEB-INF/lib}, and with and without a Jakarta Security
 * mechanism (the built-in BASIC one and an identity store, the classes {@code BuiltInBasicMechanismIT}
 * deploys). Nothing else differs, so the difference in throughput is what the jar costs a request
 * that does not use the session. The jar is the one in the test WAR ({@code it.war}): this build's.
 */
final class PlainWars {
    private static final String BEANS_XML = """
            <beans xmlns="https://jakarta.ee/xml/ns/jakartaee" version="4.0" bean-discovery-mode="annotated"/>
            """;

    private PlainWars() {
    }

    static Path build(boolean library, boolean security) throws IOException {
        Path war = PayaraMicro.workDir().resolve("plain" + (security ? "-security" : "") + (library ? "-library" : "")
                + "-" + System.nanoTime() + ".war");
        Files.createDirectories(war.getParent());
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(war))) {
            // a CDI application either way, as applications that would use the library are
            put(out, "WEB-INF/beans.xml", BEANS_XML.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            putClass(out, UntouchedServlet.class);
            if (security) {
                putClass(out, BasicLogin.class);
                putClass(out, Users.class);
            }
            if (library) {
                putLibrary(out);
            }
        }
        return war;
    }

    private static void putClass(ZipOutputStream out, Class<?> type) throws IOException {
        String name = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not on the benchmark's class path");
            }
            put(out, "WEB-INF/classes/" + name, in.readAllBytes());
        }
    }

    /** The library's jar exactly as the test WAR carries it (its store clients are optional: none is needed here). */
    private static void putLibrary(ZipOutputStream out) throws IOException {
        try (ZipFile testWar = new ZipFile(System.getProperty("it.war"))) {
            ZipEntry jar = testWar.stream()
                    .filter(e -> e.getName().matches("WEB-INF/lib/server-sessions-[0-9][^/]*\\.jar"))
                    .findFirst().orElseThrow(() -> new IOException("no server-sessions jar in " + testWar.getName()));
            try (InputStream in = testWar.getInputStream(jar)) {
                put(out, jar.getName(), in.readAllBytes());
            }
        }
    }

    private static void put(ZipOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(bytes);
        out.closeEntry();
    }
}
