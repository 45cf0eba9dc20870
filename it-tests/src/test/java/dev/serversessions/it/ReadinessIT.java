package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.Browser.Response;
import dev.serversessions.it.support.PayaraMicro;
import java.nio.file.Files;
import java.nio.file.Path;
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
            assertTrue(up.body().contains("filesystem " + directory), up.body());

            Files.createDirectories(work);
            Files.deleteIfExists(directory.resolve(".lock"));
            if (Files.isDirectory(directory)) {
                Files.move(directory, work.resolve("parked"));
            }
            Files.writeString(directory, "not a directory");
            Response down = browser.get("/health/ready");
            assertEquals(503, down.status(), down.body());
            assertTrue(down.body().contains("\"DOWN\""), down.body());
        }
    }
}
