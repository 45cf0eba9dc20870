package dev.serversessions.it.deployment;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** {@link WarWithoutCdiContract} on Payara Micro. */
class WarWithoutCdiPayaraIT extends WarWithoutCdiContract {
    @Deployment(name = NAME, testable = false)
    @TargetsContainer("payara")
    static WebArchive deployment() {
        return Archives.withoutCdi(NAME);
    }
}
