package dev.serversessions.internal.metrics;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * The application's metric registry, reached through an injection point as MicroProfile Metrics
 * defines it: a runtime's producer may read the injection point (Payara's does), so a bean
 * lookup of {@code MetricRegistry} itself is not portable. The extension adds this bean only
 * where the Metrics API is present.
 */
@Dependent
public class MicroProfileRegistry {
    /** An {@code Instance}, so that an API jar without a registry bean cannot fail the deployment. */
    @Inject
    Instance<MetricRegistry> registry;

    /** The application's registry, or null where there is none. */
    MetricRegistry registry() {
        return registry.isResolvable() ? registry.get() : null;
    }
}
