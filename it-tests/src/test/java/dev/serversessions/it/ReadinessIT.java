package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.testsupport.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MicroProfile Health's readiness tells a load balancer whether the session store answers. */
class ReadinessIT {

    @Test
    void readinessIsUpWithTheStoreAndDownWithoutIt() throws Exception {
        Path work = PayaraMicro.workDir().resolve("readiness-" + System.nanoTime());
        Path directory = work.resolve("sessions");
        try (PayaraMicro server = PayaraMicro.start("readiness", Map.of("SESSION_TYPE", "filesystem",
                "SESSION_FILE_DIR", directory.toString()))) {
            Browser browser = new Browser(server);
            Response up = browser.get("/health/ready");
            assertEquals(200, up.status(), up.body());
            assertTrue(up.body().contains("\"session-store\"") && up.body().contains("\"UP\""), up.body());
            assertTrue(up.body().replaceAll("\\s", "").contains("\"type\":\"filesystem\""), up.body());
            assertFalse(up.body().contains(directory.toString()), "no path in the health output: " + up.body());

            Files.createDirectories(work);
            Files.deleteIfExists(directory.resolve(".lock"));
            if (Files.isDirectory(directory)) {
                Files.move(directory, work.resolve("parked"));
            }
            Files.writeString(directory, "not a directory");
            Response down = browser.get("/health/ready");
            assertEquals(503, down.status(), down.body());
            assertTrue(down.body().contains("\"DOWN\""), down.body());
            assertFalse(down.body().contains(directory.toString()), "no path in the health output: " + down.body());
            assertFalse(down.body().contains("error") || down.body().contains("xception"), "no error text: " + down.body());
        }
    }

    /**
     * A Redis behind a user and password that cannot be reached: the readiness output says down
     * and redis, and nothing a reader of it could use (host, port, user, password, the driver's
     * error); the server log has the address for the operator, never the password.
     */
    @Test
    void readinessTellsUpOrDownAndTheStoreKindNeverHostUserOrError() throws Exception {
        String password = "Pw/S3c:r;e%25tX";
        int port = Ports.free();
        try (PayaraMicro server = PayaraMicro.start("readiness-redis", Map.of("SESSION_TYPE", "redis",
                "SESSION_REDIS", "redis://alice:" + password + "@127.0.0.1:" + port + "/0",
                "SESSION_REDIS_TIMEOUT_MS", "500"))) {
            Response down = new Browser(server).get("/health/ready");
            assertEquals(503, down.status(), down.body());
            String body = down.body();
            assertTrue(body.contains("\"DOWN\"") && body.replaceAll("\\s", "").contains("\"type\":\"redis\""), body);
            for (String secret : List.of("127.0.0.1", String.valueOf(port), "alice", "Pw/S3c", "refused", "xception", "error")) {
                assertFalse(body.contains(secret), "'" + secret + "' in the health output: " + body);
            }
            assertEquals(503, new Browser(server).put("/api/session/a", "1").status());
            String log = server.log();
            assertTrue(log.contains("Session store redis 127.0.0.1:" + port + "/0 is unavailable"), "the operator's log names the store");
            assertFalse(log.contains("Pw/S3c") || log.contains("e%25tX") || log.contains("c:r;e"), "the password never reaches the log");
        }
    }
}
