package dev.serversessions.it.support;

import java.net.URI;
import java.net.URL;

/** Where a {@link Browser} sends its requests: a server, or one application deployed on it. */
@FunctionalInterface
public interface HttpTarget {

    /** The address of {@code path} (starting with {@code /}), always on loopback. */
    URI url(String path);

    /**
     * An application at {@code deployment} (as Arquillian reports it: any host name, the
     * context root as its path); requests go to the same port and path on 127.0.0.1, the only
     * address the test servers listen on.
     */
    static HttpTarget loopback(URL deployment) {
        String context = deployment.getPath().endsWith("/")
                ? deployment.getPath().substring(0, deployment.getPath().length() - 1) : deployment.getPath();
        String base = "http://127.0.0.1:" + deployment.getPort() + context;
        return path -> URI.create(base + path);
    }
}
