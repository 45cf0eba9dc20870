package dev.serversessions.internal.backend;

import dev.serversessions.internal.config.ConfigValues;
import dev.serversessions.internal.config.SessionSettings;

/**
 * What a {@link BackendProvider} builds a backend from.
 *
 * @param settings the general settings (key prefix, lifetime, ...)
 * @param config   the raw keys, for the backend's own
 * @param clients  clients the application produced itself, which the backend uses as they are
 *                 and never closes
 */
public record BackendContext(SessionSettings settings, ConfigValues config, ClientLookup clients) {
}
