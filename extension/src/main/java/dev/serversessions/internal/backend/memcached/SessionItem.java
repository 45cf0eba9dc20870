package dev.serversessions.internal.backend.memcached;

import dev.serversessions.api.ChangeSet;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The value of one session's memcached item: a magic number, the creation time, the expiry and
 * the attributes, followed by zero or more expiry records that slides append.
 *
 * <p>Why the records: a slide moves the expiry with get-and-touch, which moves memcached's TTL
 * but cannot change the value, and the binary protocol has no command that reports an item's
 * TTL. So the slide also appends nine bytes saying "expires at T" in the same round trip (both
 * commands go down the one connection to the item's node, in order), and the stored expiry
 * stays readable, exact and checked at every read. Writes and {@link #compacted()} fold the
 * records back into the header.
 *
 * <pre>
 * int    magic "SSM1"
 * long   created, epoch millis
 * long   expires, epoch millis
 * int    attribute count, then per attribute: int length, UTF-8 name, int length, value bytes
 * ( byte 'E', long expires ) * slides
 * </pre>
 *
 * @param slides how many expiry records follow the attributes
 */
record SessionItem(Instant created, Instant expires, Map<String, byte[]> attributes, int slides) {
    private static final int MAGIC = 0x53534D31; // "SSM1"
    private static final byte EXPIRY_RECORD = 'E';
    private static final int EXPIRY_RECORD_BYTES = 9;

    /** The item a new session starts as. */
    static SessionItem create(ChangeSet changes) {
        return new SessionItem(changes.created(), changes.expires(), changes.put(), 0);
    }

    /** This item with one request's changes merged in, compacted. */
    SessionItem merge(ChangeSet changes) {
        Map<String, byte[]> merged = new LinkedHashMap<>(attributes);
        merged.putAll(changes.put());
        merged.keySet().removeAll(changes.removed());
        return new SessionItem(created, changes.expires(), merged, 0);
    }

    /** This item with its expiry records folded into the header. */
    SessionItem compacted() {
        return new SessionItem(created, expires, attributes, 0);
    }

    boolean isLiveAt(Instant now) {
        return expires.isAfter(now);
    }

    /** The bytes of this item, always compact: slides are a property of stored items only. */
    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + attributes.size() * 32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeLong(created.toEpochMilli());
            out.writeLong(expires.toEpochMilli());
            out.writeInt(attributes.size());
            for (Map.Entry<String, byte[]> attribute : attributes.entrySet()) {
                byte[] name = attribute.getKey().getBytes(StandardCharsets.UTF_8);
                out.writeInt(name.length);
                out.write(name);
                out.writeInt(attribute.getValue().length);
                out.write(attribute.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array stream does not fail", e);
        }
        return bytes.toByteArray();
    }

    /** The record a sliding read appends: the item now expires at {@code expires}. */
    static byte[] expiryRecord(Instant expires) {
        return ByteBuffer.allocate(EXPIRY_RECORD_BYTES).put(EXPIRY_RECORD).putLong(expires.toEpochMilli()).array();
    }

    /**
     * Reads an item; its expiry is the latest of the header and the appended records.
     *
     * @throws IllegalArgumentException if the bytes are not an item of this format
     */
    static SessionItem parse(byte[] data) {
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            if (in.getInt() != MAGIC) {
                throw new IllegalArgumentException("not a server session item");
            }
            Instant created = Instant.ofEpochMilli(in.getLong());
            long expires = in.getLong();
            int count = in.getInt();
            if (count < 0 || count > data.length) {
                throw new IllegalArgumentException("corrupt attribute count " + count);
            }
            Map<String, byte[]> attributes = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = new String(block(in), StandardCharsets.UTF_8);
                attributes.put(name, block(in));
            }
            if (in.remaining() % EXPIRY_RECORD_BYTES != 0) {
                throw new IllegalArgumentException("trailing bytes");
            }
            int slides = in.remaining() / EXPIRY_RECORD_BYTES;
            while (in.hasRemaining()) {
                if (in.get() != EXPIRY_RECORD) {
                    throw new IllegalArgumentException("corrupt expiry record");
                }
                // Concurrent reads may append out of order. Keep the latest: calling a session
                // expired while memcached still holds it would end it early, and if a later
                // touch set an earlier TTL, memcached forgets the item by itself.
                expires = Math.max(expires, in.getLong());
            }
            return new SessionItem(created, Instant.ofEpochMilli(expires), attributes, slides);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated server session item", e);
        }
    }

    private static byte[] block(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("corrupt block length " + length);
        }
        byte[] block = new byte[length];
        in.get(block);
        return block;
    }
}
