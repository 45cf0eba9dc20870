package dev.serversessions.internal.backend;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.internal.config.ConfigValues;

/**
 * Builds one kind of {@link SessionBackend} from its keys. Each backend package has exactly one,
 * named by its {@link dev.serversessions.api.SessionType}, and it is loaded by name only when
 * that type is used, so an absent client library is never touched.
 *
 * <p>Implementations have a public no-argument constructor.
 */
public interface BackendProvider {

    /**
     * Reads this backend's keys, recording every problem in {@code values}; called at start-up
     * for the configured type so that a bad value fails the deployment.
     */
    void validate(ConfigValues values);

    /**
     * Builds the backend. It must not fail because the store is down: connect lazily, or with a
     * client that reconnects, so that the deployment succeeds and requests recover by
     * themselves.
     */
    SessionBackend create(BackendContext context);
}
