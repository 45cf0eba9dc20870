package dev.serversessions.internal.backend.filesystem;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.internal.backend.LeaseRace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The second JVM of {@code FileSystemSessionBackendTest#twoJvmsRacingForOneLeaseNeverBothHoldIt}:
 * a backend on the shared directory racing for one session's lock. Arguments: directory,
 * session id, mark file, milliseconds. Prints "ready", then "takes overlaps failedReleases".
 */
public final class LeaseRacerJvm {
    private LeaseRacerJvm() {
    }

    public static void main(String[] args) throws Exception {
        SessionBackend backend = new FileSystemSessionBackend(new FileSystemSettings(Path.of(args[0]), 0,
                FileSystemSettings.parseMode("0600")), "session:", Clock.systemUTC());
        backend.load(args[1]); // opens the directory and its lock file before the race
        System.out.println("ready");
        System.out.flush();
        LeaseRace.Result result = LeaseRace.run(List.of(backend), args[1], 4, Duration.ofMillis(Long.parseLong(args[3])),
                Path.of(args[2]));
        System.out.println(result.takes() + " " + result.overlaps() + " " + result.failedReleases());
        backend.close();
    }
}
