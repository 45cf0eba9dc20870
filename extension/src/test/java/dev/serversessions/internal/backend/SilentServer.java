package dev.serversessions.internal.backend;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A store that has stopped answering: its port is open (the kernel completes the connection)
 * but nothing ever reads or replies, as with a hung process or a network that swallows packets.
 * Every client waits for its connect, login or read timeout, which is what bounded waits are
 * tested against.
 */
public final class SilentServer implements AutoCloseable {
    private final ServerSocket socket;

    public SilentServer() throws IOException {
        socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    }

    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
