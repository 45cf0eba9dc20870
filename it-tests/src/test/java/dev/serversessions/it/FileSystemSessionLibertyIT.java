package dev.serversessions.it;

import dev.serversessions.it.support.LibertyServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** SPEC §4 on the filesystem backend, plus what only files can show, in Open Liberty. */
class FileSystemSessionLibertyIT extends FileSystemSessionContract {
    private static Path directory;
    private static LibertyServer server;

    @BeforeAll
    static void start() {
        directory = newSessionDirectory();
        server = LibertyServer.start("filesystem", SessionScopedBeansContract.withSecretKey(Map.of("SESSION_TYPE", "filesystem", "SESSION_FILE_DIR", directory.toString())));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected LibertyServer server() {
        return server;
    }

    @Override
    protected Path directory() {
        return directory;
    }

    /** MyFaces keeps them in its own {@code @SessionScoped} beans, which stay with the container. */
    @Override
    public boolean viewScopedBeansInTheServerSession() {
        return false;
    }
}
