package dev.serversessions.internal.backend.mongodb;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * mongo-java-server, an in-JVM server speaking MongoDB's wire protocol, on a free loopback port
 * (no MongoDB binary can be installed where these tests run).
 *
 * <p>{@link #stop()} is a real outage: the port closes and open connections are cut. The data
 * lives on, as a real server's would on its disk: mongo-java-server's shutdown clears its memory
 * backend, so the backend used here ignores that.
 */
final class MongoDbServer implements AutoCloseable {
    private final MemoryBackend data = new KeepingMemoryBackend();
    private final int port;
    private MongoServer server;

    private MongoDbServer(int port) {
        this.port = port;
    }

    static MongoDbServer start() {
        MongoDbServer mongo = new MongoDbServer(freePort());
        mongo.restart();
        return mongo;
    }

    String connectionString() {
        return "mongodb://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** Closes the port and every open connection. */
    synchronized void stop() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    /** Listens again on the same port, with the data it had. */
    synchronized void restart() {
        if (server == null) {
            MongoServer started = new MongoServer(data);
            started.bind("127.0.0.1", port);
            server = started;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }

    /** Keeps its databases when the server shuts down, like a server's files. */
    private static final class KeepingMemoryBackend extends MemoryBackend {
        @Override
        public void close() {
            // MemoryBackend would drop every database here
        }
    }
}
