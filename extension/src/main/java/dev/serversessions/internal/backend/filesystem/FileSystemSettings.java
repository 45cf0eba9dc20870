package dev.serversessions.internal.backend.filesystem;

import dev.serversessions.internal.config.ConfigValues;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The filesystem backend's keys.
 *
 * @param directory {@code SESSION_FILE_DIR}, default {@code ./flask_session}
 * @param threshold {@code SESSION_FILE_THRESHOLD}: most sessions kept, 0 for no limit
 * @param fileMode  {@code SESSION_FILE_MODE}: permissions of session files, default 0600
 */
record FileSystemSettings(Path directory, long threshold, Set<PosixFilePermission> fileMode) {
    static final String FILE_DIR = "SESSION_FILE_DIR";
    static final String FILE_THRESHOLD = "SESSION_FILE_THRESHOLD";
    static final String FILE_MODE = "SESSION_FILE_MODE";

    static FileSystemSettings read(ConfigValues values) {
        String dir = values.string(FILE_DIR, "./flask_session");
        Path directory;
        try {
            directory = Path.of(dir).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            values.problem(FILE_DIR, dir, "is not a valid path on this system");
            directory = Path.of("flask_session").toAbsolutePath();
        }
        long threshold = values.number(FILE_THRESHOLD, 500, 0);
        String mode = values.string(FILE_MODE, "0600");
        Set<PosixFilePermission> permissions = parseMode(mode);
        if (permissions == null) {
            values.problem(FILE_MODE, mode, "is not an octal file mode (e.g. 0600)");
            permissions = parseMode("0600");
        } else if (!permissions.containsAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))) {
            values.problem(FILE_MODE, mode, "must let the owner read and write (e.g. 0600 or 0640)");
        }
        return new FileSystemSettings(directory, threshold, permissions);
    }

    /** The permissions of an octal mode like 0600 or 640, or null if it is not one. */
    static Set<PosixFilePermission> parseMode(String mode) {
        if (!mode.matches("0?[0-7]{3}")) {
            return null;
        }
        int bits = Integer.parseInt(mode, 8);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < order.length; i++) {
            if ((bits & (1 << i)) != 0) {
                permissions.add(order[i]);
            }
        }
        return permissions;
    }
}
