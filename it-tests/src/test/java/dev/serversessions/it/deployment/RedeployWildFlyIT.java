package dev.serversessions.it.deployment;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** {@link RedeployContract} on WildFly: a real redeploy inside one running server. */
class RedeployWildFlyIT extends RedeployContract {
    @Deployment(name = NAME, managed = false, testable = false)
    @TargetsContainer("wildfly")
    static WebArchive deployment() {
        return Archives.application(NAME);
    }

    @Override
    protected int port() {
        return Integer.getInteger("it.arquillian.wildfly.http");
    }
}
