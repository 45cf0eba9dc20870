package dev.serversessions.it.deployment;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** {@link RedeployContract} on Payara Micro: undeploy stops its process, deploy starts a new one. */
class RedeployPayaraIT extends RedeployContract {
    @Deployment(name = NAME, managed = false, testable = false)
    @TargetsContainer("payara")
    static WebArchive deployment() {
        return Archives.application(NAME);
    }

    @Override
    protected int port() {
        return Integer.getInteger("it.arquillian.payara.http");
    }
}
