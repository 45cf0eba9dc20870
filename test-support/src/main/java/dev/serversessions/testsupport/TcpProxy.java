package dev.serversessions.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a free loopback port in front of a shared database server: cutting it is a
 * database outage for whoever connects through it (refused connections, broken open ones)
 * without stopping a server other tests use.
 */
public final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private Thread acceptor;

    private TcpProxy(InetSocketAddress target, int port) {
        this.target = target;
        this.port = port;
    }

    /** A running proxy to {@code host:port}. */
    public static TcpProxy to(String host, int targetPort) {
        int port = Ports.free();
        TcpProxy proxy = new TcpProxy(new InetSocketAddress(host, targetPort), port);
        try {
            proxy.restore();
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on port " + port, e);
        }
        return proxy;
    }

    public int port() {
        return port;
    }

    /** Refuses new connections and breaks the open ones. */
    public synchronized void cut() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            // closed is what we want
        }
        server = null;
        if (acceptor != null) {
            // the listening socket is released only once the thread blocked in accept() has left it
            try {
                acceptor.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            acceptor = null;
        }
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    /** Accepts connections again, on the same port. */
    public synchronized void restore() throws IOException {
        if (server != null) {
            return;
        }
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server = socket;
        acceptor = new Thread(() -> accept(socket), "tcp-proxy-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                sockets.add(client);
                Socket upstream = new Socket();
                sockets.add(upstream);
                try {
                    upstream.connect(target, 5000);
                } catch (IOException e) {
                    closeQuietly(client);
                    closeQuietly(upstream);
                    continue;
                }
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                return; // closed by cut()
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side is gone: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "tcp-proxy-pump-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    @Override
    public void close() {
        cut();
    }
}
