package dev.serversessions.internal.backend.filesystem;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bytes of one session file: a magic number, the session's key, the creation time and the
 * attributes. The expiry is the file's modification time, so sliding it is one metadata call,
 * not a rewrite. The file is named by a hash of the key ({@code SESSION_KEY_PREFIX} and id), so
 * the key itself is kept inside for the one reader that starts from the file, the claim of
 * expired sessions; files of the first format ({@code SSF1}) have none, and read with a null key.
 *
 * @param key the key prefix and the session id, null in a file of the first format
 */
record SessionFile(String key, Instant created, Map<String, byte[]> attributes) {
    private static final int MAGIC_V1 = 0x53534631; // "SSF1"
    private static final int MAGIC = 0x53534632; // "SSF2": with the key

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            out.writeInt(keyBytes.length);
            out.write(keyBytes);
            out.writeLong(created.toEpochMilli());
            out.writeInt(attributes.size());
            for (Map.Entry<String, byte[]> e : attributes.entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                out.writeInt(name.length);
                out.write(name);
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** Parses a file; throws IOException for anything that is not a whole session file. */
    static SessionFile parse(byte[] data) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int magic = in.readInt();
            if (magic != MAGIC && magic != MAGIC_V1) {
                throw new IOException("not a session file");
            }
            String key = magic == MAGIC ? new String(readBlock(in, data.length), StandardCharsets.UTF_8) : null;
            Instant created = Instant.ofEpochMilli(in.readLong());
            int count = in.readInt();
            if (count < 0 || count > data.length) {
                throw new IOException("corrupt attribute count " + count);
            }
            Map<String, byte[]> attributes = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = new String(readBlock(in, data.length), StandardCharsets.UTF_8);
                attributes.put(name, readBlock(in, data.length));
            }
            if (in.available() != 0) {
                throw new IOException("trailing bytes");
            }
            return new SessionFile(key, created, attributes);
        }
    }

    private static byte[] readBlock(DataInputStream in, int limit) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > limit) {
            throw new IOException("corrupt block length " + length);
        }
        byte[] block = new byte[length];
        in.readFully(block);
        return block;
    }
}
