package dev.serversessions.testsupport;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * mongo-java-server, an in-JVM server speaking MongoDB's wire protocol, in the test JVM on a
 * free loopback port; the backend under test, in this JVM or in a runtime, connects to it like to
 * any MongoDB (no MongoDB binary can be installed where these tests run).
 *
 * <p>{@link #stop()} is a real outage: the port closes and open connections are cut.
 * {@link #restart()} listens on the same port again with the same data, as a real server finds
 * its files again: mongo-java-server's shutdown would clear its memory backend, so the backend
 * used here ignores that.
 */
public final class MongoDbServer implements AutoCloseable {
    private final KeepingMemoryBackend data = new KeepingMemoryBackend();
    private final int port = Ports.free();
    private MongoServer server;

    private MongoDbServer() {
    }

    /** A running server; a JVM shutdown hook stops it if a test does not. */
    public static MongoDbServer start() {
        MongoDbServer mongo = new MongoDbServer();
        mongo.restart();
        Runtime.getRuntime().addShutdownHook(new Thread(mongo::stop, "stop mongo-java-server"));
        return mongo;
    }

    public String connectionString() {
        return "mongodb://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Closes the port and every open connection. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    /** Listens again on the same port, with the data it had. */
    public synchronized void restart() {
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

    /** How many commands that write (insert, update, findAndModify, delete) the server has run. */
    public long writeCommands() {
        return data.writes.get();
    }

    /**
     * How many commands that write mentioned {@code text} (one session's key, say): the writes of
     * one session, without those a server runs in the background (the expiry sweep's lease and
     * claims). The latest 100,000 writes are kept for this.
     */
    public long writeCommandsMentioning(String text) {
        return data.writeTexts.stream().filter(t -> t.contains(text)).count();
    }

    /** Keeps its databases when the server shuts down, like a server's files. */
    private static final class KeepingMemoryBackend extends MemoryBackend {
        private static final java.util.Set<String> WRITING = java.util.Set.of("insert", "update", "findandmodify", "delete");
        final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
        final java.util.Queue<String> writeTexts = new java.util.concurrent.ConcurrentLinkedQueue<>();

        @Override
        public de.bwaldvogel.mongo.bson.Document handleCommand(io.netty.channel.Channel channel, String database, String command,
                de.bwaldvogel.mongo.bson.Document query) {
            if (WRITING.contains(command.toLowerCase(java.util.Locale.ROOT))) {
                if (writes.incrementAndGet() > 100_000) {
                    writeTexts.poll();
                }
                StringBuilder mentioned = new StringBuilder();
                strings(query, mentioned);
                writeTexts.add(mentioned.toString());
            }
            return super.handleCommand(channel, database, command, query);
        }

        /**
         * The short strings a command holds (keys, field names of filters), not its values: a
         * session's 16 MiB of bytes turned into text took longer than the client's timeout.
         */
        private static void strings(Object value, StringBuilder into) {
            if (value instanceof String text && text.length() <= 512) {
                into.append(text).append('\n');
            } else if (value instanceof de.bwaldvogel.mongo.bson.Document document) {
                document.forEach((key, inner) -> {
                    if (key.length() <= 512) {
                        into.append(key).append('\n');
                    }
                    strings(inner, into);
                });
            } else if (value instanceof java.util.Collection<?> values) {
                values.forEach(inner -> strings(inner, into));
            }
        }

        @Override
        public void close() {
            // MemoryBackend would drop every database here
        }
    }
}
