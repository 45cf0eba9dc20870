package dev.serversessions.health;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.session.SessionRuntime;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import jakarta.enterprise.context.ApplicationScoped;

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
        SessionRuntime runtime = SessionRuntime.forApplication();
        SessionBackend backend = runtime.activeBackend();
        var response = HealthCheckResponse.named("session-store")
                .withData("type", runtime.settings().type().configName());
        try {
            backend.load(runtime.ids().generate(), null);
            return response.up().build();
        } catch (SessionStoreUnavailableException e) {
            return response.down().build();
        }
    }
}
