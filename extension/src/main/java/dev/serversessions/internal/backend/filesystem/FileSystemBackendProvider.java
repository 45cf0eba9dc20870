package dev.serversessions.internal.backend.filesystem;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.internal.backend.BackendContext;
import dev.serversessions.internal.backend.BackendProvider;
import dev.serversessions.internal.config.ConfigValues;

/** Builds the filesystem backend from {@code SESSION_FILE_*}. */
public final class FileSystemBackendProvider implements BackendProvider {
    @Override
    public void validate(ConfigValues values) {
        FileSystemSettings.read(values);
    }

    @Override
    public SessionBackend create(BackendContext context) {
        return new FileSystemSessionBackend(FileSystemSettings.read(context.config()),
                context.settings().keyPrefix(), java.time.Clock.systemUTC());
    }
}
