package dev.serversessions.it.support;

import java.util.Map;

/**
 * A running Jakarta EE runtime serving the test WAR at the root of {@code http://127.0.0.1:port/},
 * whichever runtime it is: the contract tests only talk HTTP to it and read its log.
 */
public interface AppServer extends HttpTarget, AutoCloseable {

    /** Everything the server printed so far (the application's log lines included). */
    String log();

    /** The end of the log now: read from there, a test sees only the lines logged while it ran. */
    default LogMark logMark() {
        return LogMark.of(this);
    }

    /** Stops the server and starts it again on the same port with the same settings. */
    AppServer restart();

    /**
     * Starts another server of the same runtime serving the same test WAR with this server's
     * settings and {@code moreEnv} on top: a second node on the same store.
     */
    AppServer another(String name, Map<String, String> moreEnv);

    /** Kills the server's JVM at once (SIGKILL), as a crash would, and waits until it is gone. */
    void kill();

    /** The server JVM's threads now ({@code jcmd Thread.print}), for a failure message; empty where unknown. */
    default String threadDump() {
        return "";
    }

    /** Stops the server; idempotent. */
    @Override
    void close();

    /**
     * How many requests the runtime itself refused so far because their {@code Cookie} header
     * could not be parsed, before any filter of the application ran (it answers 500 then).
     * Zero for a runtime that leaves such cookies to the application.
     */
    default int cookieHeadersRefusedByTheRuntime() {
        return 0;
    }

    /** Starts a runtime serving the test WAR: {@code PayaraMicro::start} or {@code WildFlyServer::start}. */
    @FunctionalInterface
    interface Launcher {
        AppServer start(String name, Map<String, String> env);
    }
}
