package dev.serversessions.it.deployment;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** {@link WarWithoutCdiContract} on WildFly. */
class WarWithoutCdiWildFlyIT extends WarWithoutCdiContract {
    @Deployment(name = NAME, testable = false)
    @TargetsContainer("wildfly")
    static WebArchive deployment() {
        return Archives.withoutCdi(NAME);
    }
}
