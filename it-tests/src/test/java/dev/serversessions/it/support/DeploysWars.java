package dev.serversessions.it.support;

import java.nio.file.Path;

/** A running runtime that deploys and undeploys further WARs, as its users do (Open Liberty, GlassFish). */
public interface DeploysWars extends AppServer {

    /** Deploys {@code war} at {@code /contextRoot} and waits until the runtime has started it. */
    void deploy(Path war, String contextRoot);

    /** Removes the WAR deployed at {@code /contextRoot} and waits until the runtime has stopped it. */
    void undeploy(String contextRoot);

    /** The HTTP port of the runtime. */
    int port();
}
