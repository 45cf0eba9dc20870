package dev.serversessions.it.deployment;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** {@link ApplicationContract} on Payara Micro, whose JPA provider is EclipseLink. */
class ApplicationPayaraIT extends ApplicationContract {
    @Deployment(name = NAME, testable = false)
    @TargetsContainer("payara")
    static WebArchive deployment() {
        return Archives.application(NAME);
    }

    @Override
    protected String jpaProvider() {
        return "eclipse";
    }
}
