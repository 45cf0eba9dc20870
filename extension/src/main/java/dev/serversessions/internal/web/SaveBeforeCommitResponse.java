package dev.serversessions.internal.web;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Saves the session just before the container could commit the response: on flush, close,
 * sendError, sendRedirect, when the declared content length is reached, and when the body is
 * about to overflow the response buffer (the container then commits on its own, which is where
 * Spring Session long lost cookies). Saving early is harmless: what changes afterwards is saved
 * again at the end of the request. Once the response has committed, writes no longer save.
 */
final class SaveBeforeCommitResponse extends HttpServletResponseWrapper {
    private final SessionCommit commit;
    private long contentLength = -1;
    private long written;
    private ServletOutputStream stream;
    private PrintWriter writer;

    SaveBeforeCommitResponse(HttpServletResponse response, SessionCommit commit) {
        super(response);
        this.commit = commit;
    }

    @Override
    public void flushBuffer() throws IOException {
        commit.runBeforeCommit();
        super.flushBuffer();
    }

    @Override
    public void sendError(int sc) throws IOException {
        commit.runBeforeCommit();
        super.sendError(sc);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        commit.runBeforeCommit();
        super.sendError(sc, msg);
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        commit.runBeforeCommit();
        super.sendRedirect(location);
    }

    @Override
    public void setContentLength(int len) {
        setContentLengthLong(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        contentLength = len;
        super.setContentLengthLong(len);
    }

    @Override
    public void setHeader(String name, String value) {
        noteContentLength(name, value);
        super.setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        noteContentLength(name, value);
        super.addHeader(name, value);
    }

    @Override
    public void setIntHeader(String name, int value) {
        noteContentLength(name, String.valueOf(value));
        super.setIntHeader(name, value);
    }

    private void noteContentLength(String name, String value) {
        if ("Content-Length".equalsIgnoreCase(name)) {
            try {
                contentLength = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                contentLength = -1;
            }
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            stream = new GuardedStream(super.getOutputStream());
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            Charset charset = charset();
            writer = new PrintWriter(new GuardedWriter(super.getWriter(), charset));
        }
        return writer;
    }

    private Charset charset() {
        try {
            return Charset.forName(getCharacterEncoding());
        } catch (RuntimeException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }

    /** Saves first if writing {@code bytes} more could make the container commit. */
    private void beforeWriting(long bytes) {
        if (written + bytes >= getBufferSize() || (contentLength >= 0 && written + bytes >= contentLength)) {
            commit.runBeforeCommit();
        }
        written += bytes;
    }

    private final class GuardedStream extends ServletOutputStream {
        private final ServletOutputStream delegate;

        GuardedStream(ServletOutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            beforeWriting(1);
            delegate.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            beforeWriting(len);
            delegate.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            commit.runBeforeCommit();
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            commit.runBeforeCommit();
            delegate.close();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            delegate.setWriteListener(listener);
        }
    }

    private final class GuardedWriter extends Writer {
        private final Writer delegate;
        private final float maxBytesPerChar;

        GuardedWriter(Writer delegate, Charset charset) {
            this.delegate = delegate;
            this.maxBytesPerChar = charset.newEncoder().maxBytesPerChar();
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            beforeWriting((long) Math.ceil(len * maxBytesPerChar));
            delegate.write(cbuf, off, len);
        }

        @Override
        public void write(String str, int off, int len) throws IOException {
            beforeWriting((long) Math.ceil(len * maxBytesPerChar));
            delegate.write(str, off, len);
        }

        @Override
        public void flush() throws IOException {
            commit.runBeforeCommit();
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            commit.runBeforeCommit();
            delegate.close();
        }
    }
}
