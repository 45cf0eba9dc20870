package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** SPEC §4 on the filesystem backend, plus what only files can show, in Payara Micro. */
class FileSystemSessionIT extends FileSystemSessionContract implements StoreLockContract, LockWaitingContract {
    private static Path directory;
    private static PayaraMicro server;

    @BeforeAll
    static void start() {
        directory = newSessionDirectory();
        server = PayaraMicro.start("filesystem", SessionScopedBeansContract.withSecretKey(Map.of("SESSION_TYPE", "filesystem", "SESSION_FILE_DIR", directory.toString())));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected PayaraMicro server() {
        return server;
    }

    @Override
    protected Path directory() {
        return directory;
    }
}
