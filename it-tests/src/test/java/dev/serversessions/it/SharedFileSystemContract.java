package dev.serversessions.it;

import dev.serversessions.it.support.AppServer;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link SharedStoreContract} on one filesystem session directory (a shared volume, in
 * production), for any two runtimes.
 */
abstract class SharedFileSystemContract extends SharedStoreContract {

    /**
     * Starts node A with {@code runtimeA} and node B with {@code runtimeB} on a new session
     * directory; {@code moreEnv} adds settings (e.g. {@code SESSION_SECRET_KEY}).
     */
    protected static void startOnFiles(AppServer.Launcher runtimeA, AppServer.Launcher runtimeB, String name,
                                       Map<String, String> moreEnv) {
        Map<String, String> env = new HashMap<>(moreEnv);
        env.put("SESSION_TYPE", "filesystem");
        env.put("SESSION_FILE_DIR", FileSystemSessionContract.newSessionDirectory().toString());
        startPair(runtimeA, runtimeB, name, env, null);
    }
}
