package dev.serversessions.internal.health;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.internal.session.SessionRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the configured session store, for runtimes with MicroProfile Health
 * ({@code /health/ready}): one real round trip (the load of an id nobody has), so a load
 * balancer stops sending traffic while the store is unreachable. The extension adds it as a bean
 * only when the Health API is present (the jar is no bean archive, so it is never discovered).
 */
@Readiness
@ApplicationScoped
public class SessionStoreReadiness implements HealthCheck {

    /**
     * Up or down and the kind of store, nothing else: the health endpoint is often reachable by
     * more people than the server log, so hosts, user names and the driver's error text (which
     * may quote either) stay in the log, where the outage is reported anyway.
     */
    @Override
    public HealthCheckResponse call() {
        return check(SessionRuntime.forApplication());
    }

    static HealthCheckResponse check(SessionRuntime runtime) {
        SessionBackend backend = runtime.activeBackend();
        Map<String, Object> data = Map.of("type", runtime.settings().type().configName());
        Status status;
        try {
            backend.load(runtime.ids().generate());
            status = Status.UP;
        } catch (SessionStoreUnavailableException e) {
            status = Status.DOWN;
        }
        return new HealthCheckResponse("session-store", status, Optional.of(data));
    }
}
