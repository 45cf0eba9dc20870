package dev.serversessions.internal.backend.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.internal.session.SessionIds;
import dev.serversessions.testsupport.RedisServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} against a redis-server that speaks only TLS, with a certificate made for
 * this run (openssl, valid one day, for 127.0.0.1 only).
 */
class RedisTlsTest {
    private static final SessionIds IDS = new SessionIds(32, null);
    @TempDir
    static Path dir;
    private static Path certificate;
    private static RedisServer redis;

    @BeforeAll
    static void startTlsRedis() throws Exception {
        certificate = dir.resolve("redis-test.crt");
        Path key = dir.resolve("redis-test.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=redis-test", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", key.toString(), "-out", certificate.toString()).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
            throw new AssertionError("openssl could not make the test certificate:\n" + output);
        }
        redis = RedisServer.tls(dir, certificate, key);
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void sessionsTravelOverTlsToACertificateTrustedByTheCaFile() {
        try (SessionBackend backend = backend("rediss://127.0.0.1:" + redis.port(), true)) {
            String id = IDS.generate();
            backend.apply(id, new ChangeSet(Map.of("a", "secret".getBytes(StandardCharsets.UTF_8)), Set.of(), Instant.now(),
                    Instant.now().plusSeconds(300), true));
            assertArrayEquals("secret".getBytes(StandardCharsets.UTF_8), backend.load(id).orElseThrow().attributes().get("a"));
        }
    }

    @Test
    void aCertificateTheJvmDoesNotTrustIsRefused() {
        try (SessionBackend backend = backend("rediss://127.0.0.1:" + redis.port(), false)) {
            assertTlsRefused(backend);
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefused() {
        try (SessionBackend backend = backend("rediss://127.0.0.2:" + redis.port(), true)) {
            assertTlsRefused(backend);
        }
    }

    private static void assertTlsRefused(SessionBackend backend) {
        SessionStoreUnavailableException e = assertThrows(SessionStoreUnavailableException.class,
                () -> backend.load(IDS.generate()));
        boolean tls = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            tls |= t instanceof SSLException;
        }
        assertTrue(tls, "refused by the TLS handshake: " + e);
    }

    private static SessionBackend backend(String url, boolean trustTheTestCertificate) {
        return RedisBackends.fromKeys(trustTheTestCertificate
                ? Map.of("SESSION_REDIS", url, "SESSION_REDIS_TLS_CA_FILE", certificate.toString())
                : Map.of("SESSION_REDIS", url), "session:");
    }
}
