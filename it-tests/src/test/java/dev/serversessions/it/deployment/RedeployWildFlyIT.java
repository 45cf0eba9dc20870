package dev.serversessions.it.deployment;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link RedeployContract} on WildFly: a real redeploy inside one running server. */
@ExtendWith(ArquillianExtension.class)
class RedeployWildFlyIT implements RedeployContract {
    @ArquillianResource
    Deployer deployer;

    @Deployment(name = NAME, managed = false, testable = false)
    @TargetsContainer("wildfly")
    static WebArchive deployment() {
        return Archives.application(NAME);
    }

    @Override
    public int port() {
        return Integer.getInteger("it.arquillian.wildfly.http");
    }

    @Override
    public void deployRedeployable() {
        deployer.deploy(NAME);
    }

    @Override
    public void undeployRedeployable() {
        deployer.undeploy(NAME);
    }
}
