package dev.serversessions.bench;

import dev.serversessions.it.support.PayaraMicro;
import java.util.List;
import java.util.Map;

/** The stores the load benchmark compares, the container's in-memory session first. */
final class LoadTargets {
    static final String CONTAINER = "in-memory HttpSession";

    private LoadTargets() {
    }

    static List<LoadTarget> all() {
        return List.of(
                new LoadTarget() {
                    @Override
                    public String name() {
                        return CONTAINER;
                    }

                    @Override
                    public Map<String, String> env() {
                        return Map.of("SESSION_HTTPSESSION", "false");
                    }

                    @Override
                    public String cookieName() {
                        return "JSESSIONID";
                    }
                },
                LoadTarget.of("filesystem", Map.of("SESSION_TYPE", "filesystem",
                        "SESSION_FILE_DIR", PayaraMicro.workDir().resolve("bench-files-" + System.nanoTime()).toString())));
    }
}
