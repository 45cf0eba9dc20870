package dev.serversessions.internal.backend.filesystem;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** {@code SESSION_FILE_THRESHOLD} for one directory: the count of session files it remembers between listings, and the pruning. */
final class FileThreshold {
    private static final int RECOUNT_EVERY = 64;
    private final FileSystemSettings settings;
    private final Clock clock;
    private final FileSystemOwnerIndex ownerIndex;
    private long knownCount = -1;
    private int createdSinceListing;

    FileThreshold(FileSystemSettings settings, Clock clock, FileSystemOwnerIndex ownerIndex) {
        this.settings = settings;
        this.clock = clock;
        this.ownerIndex = ownerIndex;
    }

    /**
     * SESSION_FILE_THRESHOLD: drop expired files, then those expiring soonest, so that the new
     * one fits; sessions a user is logged in to only once no anonymous one is left, since any
     * client can make anonymous sessions as fast as it sends requests and would otherwise end
     * every login. Listing the directory for every new session would cost O(n) each time, so the
     * count is remembered between listings and, when the threshold is hit, the directory is
     * pruned a tenth below it: the listing then happens about once per tenth of the threshold.
     * Other JVMs sharing the directory are seen at the next listing.
     */
    void makeRoomForOneMore() throws IOException {
        long threshold = settings.threshold();
        if (threshold == 0) {
            return;
        }
        if (knownCount >= 0 && knownCount + 1 < threshold && createdSinceListing < RECOUNT_EVERY) {
            knownCount++;
            createdSinceListing++;
            return;
        }
        List<SessionEntry> entries = SessionEntry.in(settings.directory());
        createdSinceListing = 0;
        knownCount = entries.size() + 1;
        if (entries.size() < threshold) {
            return;
        }
        long keep = threshold - Math.max(1, threshold / 10);
        Set<String> loggedIn = ownerIndex.loggedInSessionFiles();
        Instant now = clock.instant();
        entries.sort(Comparator.comparing((SessionEntry e) -> e.expires().isAfter(now) && loggedIn.contains(e.file().getFileName().toString()))
                .thenComparing(SessionEntry::expires));
        long excess = entries.size() - keep;
        for (SessionEntry entry : entries) {
            boolean expired = !entry.expires().isAfter(now);
            if (!expired && excess <= 0) {
                break;
            }
            if (Files.deleteIfExists(entry.file())) {
                excess--;
                knownCount--;
            }
        }
    }
}
