package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.flow.FacesFlowApp;
import dev.serversessions.it.support.GlassFishServer;
import dev.serversessions.it.support.RuntimeServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4 on the filesystem backend, plus what only files can show, in GlassFish; and what
 * GlassFish 7 alone shows: it has neither MicroProfile Metrics nor OpenTelemetry, so sessions
 * work (this whole contract) with no metrics, and the log says so.
 */
class FileSystemSessionGlassFishIT extends FileSystemSessionContract {
    private static Path directory;
    private static GlassFishServer server;

    @BeforeAll
    static void start() {
        directory = newSessionDirectory();
        server = GlassFishServer.start("filesystem", SessionScopedBeansContract.withSecretKey(Map.of("SESSION_TYPE", "filesystem", "SESSION_FILE_DIR", directory.toString())));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected GlassFishServer server() {
        return server;
    }

    @Override
    protected Path directory() {
        return directory;
    }

    /**
     * The contract's one restart of the server, with a Faces flow of Mojarra's ({@link
     * FacesFlowApp}, deployed for it) entered before and counted once: a postback after the
     * restart carries on its {@code @FlowScoped} and {@code @ClientWindowScoped} counts, and no
     * page of it sets a {@code JSESSIONID}.
     */
    @Override
    @Test
    public void attributesTheCartAndAPlainSessionScopedBeanSurviveARestartOfTheServer() throws Exception {
        FacesFlowApp.countsCarryAcrossARestart(server, FacesFlowApp.war(RuntimeServer.workDir()),
                super::attributesTheCartAndAPlainSessionScopedBeanSurviveARestartOfTheServer);
    }

    @Test
    void withoutEitherMetricsApiTheLogSaysTheSessionsReportNoMetrics() {
        String log = server.log();
        assertTrue(log.contains("report no metrics (the runtime has neither MicroProfile Metrics nor OpenTelemetry)"),
                "the log says which API the metrics use:\n" + log);
        assertFalse(log.contains("NoClassDefFoundError") || log.contains("Session metrics through"), log);
    }
}
