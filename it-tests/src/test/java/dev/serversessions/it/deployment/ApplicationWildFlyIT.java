package dev.serversessions.it.deployment;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** {@link ApplicationContract} on WildFly, whose JPA provider is Hibernate. */
class ApplicationWildFlyIT extends ApplicationContract {
    @Deployment(name = NAME, testable = false)
    @TargetsContainer("wildfly")
    static WebArchive deployment() {
        return Archives.application(NAME);
    }

    @Override
    protected String jpaProvider() {
        return "hibernate";
    }
}
