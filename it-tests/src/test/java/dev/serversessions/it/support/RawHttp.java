package dev.serversessions.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client would send: cookie values
 * and header values with arbitrary bytes.
 */
public final class RawHttp {
    private final int port;

    public RawHttp(HttpTarget server) {
        this.port = server.url("/").getPort();
    }

    /** Sends GET {@code path} with {@code Cookie: session=<value bytes>} and returns the status. */
    public int getWithCookie(String path, byte[] cookieValue) throws IOException {
        return get(path, "Cookie: session=".getBytes(StandardCharsets.US_ASCII), cookieValue);
    }

    /** Sends GET {@code path} with {@code <header>: <value bytes>} and returns the status. */
    public int getWithHeader(String path, String header, byte[] value) throws IOException {
        return get(path, (header + ": ").getBytes(StandardCharsets.US_ASCII), value);
    }

    private int get(String path, byte[] headerStart, byte[] value) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(headerStart);
            out.write(value);
            out.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream statusLine = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                statusLine.write(b);
            }
            String line = statusLine.toString(StandardCharsets.US_ASCII);
            if (!line.startsWith("HTTP/1.1 ")) {
                return line.isEmpty() ? 400 : -1; // a closed connection is the server refusing the request
            }
            return Integer.parseInt(line.substring(9, 12));
        }
    }
}
