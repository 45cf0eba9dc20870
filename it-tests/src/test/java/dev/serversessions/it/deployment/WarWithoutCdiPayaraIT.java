package dev.serversessions.it.deployment;

import dev.serversessions.it.support.HttpTarget;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link WarWithoutCdiContract} on Payara Micro. */
@ExtendWith(ArquillianExtension.class)
class WarWithoutCdiPayaraIT implements WarWithoutCdiContract {
    @ArquillianResource
    URL deployment;

    @Deployment(name = NAME, testable = false)
    @TargetsContainer("payara")
    static WebArchive deployment() {
        return Archives.withoutCdi(NAME);
    }

    @Override
    public HttpTarget withoutCdi() {
        return HttpTarget.loopback(deployment);
    }

    @Override
    public boolean injectsServletsOutsideABeanArchive() {
        return true;
    }
}
