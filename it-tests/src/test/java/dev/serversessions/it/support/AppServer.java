package dev.serversessions.it.support;

/**
 * A running Jakarta EE runtime serving the test WAR at the root of {@code http://127.0.0.1:port/},
 * whichever runtime it is: the contract tests only talk HTTP to it and read its log.
 */
public interface AppServer extends HttpTarget, AutoCloseable {

    /** Everything the server printed so far (the application's log lines included). */
    String log();

    /** Stops the server and starts it again on the same port with the same settings. */
    AppServer restart();

    /** Stops the server; idempotent. */
    @Override
    void close();
}
