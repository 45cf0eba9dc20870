package dev.serversessions.it;

import dev.serversessions.it.support.WildFlyServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** SPEC §4 on the filesystem backend, plus what only files can show, in WildFly. */
class FileSystemSessionWildFlyIT extends FileSystemSessionContract implements LockWaitingContract {
    private static Path directory;
    private static WildFlyServer server;

    @BeforeAll
    static void start() {
        directory = newSessionDirectory();
        server = WildFlyServer.start("filesystem", SessionScopedBeansContract.withSecretKey(Map.of("SESSION_TYPE", "filesystem", "SESSION_FILE_DIR", directory.toString())));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected WildFlyServer server() {
        return server;
    }

    @Override
    protected Path directory() {
        return directory;
    }
}
