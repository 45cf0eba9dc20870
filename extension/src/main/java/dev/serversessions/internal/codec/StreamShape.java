package dev.serversessions.internal.codec;

import java.io.InvalidClassException;
import java.io.ObjectStreamConstants;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks a Java serialization stream as bytes, before anything is deserialized, to bound the work
 * of reading it back. A {@code HashSet} hashes its elements as it is read, and hashing a
 * collection visits everything it holds, once per path: nested collections that share their
 * children (2 kB of them) take 2^depth visits, and chains of them joined by back references
 * defeat any depth limit. So each object's count of paths ("unfolded size") is summed here from
 * the stream's own structure, and a stream whose total exceeds {@link #MAX_WORK} is refused.
 * No class is loaded; a stream this walk does not understand is refused too.
 */
final class StreamShape {
    /** Sum, over the objects of one value, of the objects each reaches counted once per path. */
    static final long MAX_WORK = 1_000_000;

    private static final int HANDLE_BASE = ObjectStreamConstants.baseWireHandle;

    private final byte[] bytes;
    private final int maxDepth;
    private final List<Object> handles = new ArrayList<>();
    private int at;
    private int depth;
    private long work;

    private StreamShape(byte[] bytes, int maxDepth) {
        this.bytes = bytes;
        this.maxDepth = maxDepth;
    }

    /**
     * @throws InvalidClassException naming the reason when the stream would cost too much to
     *                               read, or is not a stream this walk understands
     */
    static void check(byte[] bytes, int maxDepth) throws InvalidClassException {
        StreamShape shape = new StreamShape(bytes, maxDepth);
        try {
            if (shape.u2() != (ObjectStreamConstants.STREAM_MAGIC & 0xFFFF) || shape.u2() != ObjectStreamConstants.STREAM_VERSION) {
                throw new Refused("not a Java serialization stream");
            }
            shape.content();
        } catch (Refused e) {
            throw new InvalidClassException(e.getMessage());
        }
    }

    /** An object of the stream, by handle: its unfolded size once read, -1 while being read. */
    private static final class Node {
        long unfolded = -1;
    }

    private static final class Desc {
        final String name;
        int flags;
        final List<Character> fieldTypes = new ArrayList<>();
        Desc superDesc;

        Desc(String name) {
            this.name = name;
        }
    }

    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads one content element; returns the unfolded size it adds to its holder. */
    private long content() {
        int tc = u1();
        switch (tc) {
            case ObjectStreamConstants.TC_NULL:
                return 0;
            case ObjectStreamConstants.TC_REFERENCE: {
                Object target = handle(s4());
                if (target instanceof Node node) {
                    return node.unfolded < 0 ? 1 : node.unfolded; // a cycle: reading it back does not loop
                }
                return 0;
            }
            case ObjectStreamConstants.TC_CLASSDESC:
            case ObjectStreamConstants.TC_PROXYCLASSDESC:
                at--;
                classDesc();
                return 0;
            case ObjectStreamConstants.TC_STRING:
                skip(u2());
                return leaf();
            case ObjectStreamConstants.TC_LONGSTRING: {
                long length = s8();
                if (length < 0 || length > bytes.length - at) {
                    throw new Refused("a string longer than the value");
                }
                skip((int) length);
                return leaf();
            }
            case ObjectStreamConstants.TC_CLASS:
                classDesc();
                return leaf();
            case ObjectStreamConstants.TC_ENUM: {
                classDesc();
                Node node = newNode();
                content(); // the constant's name
                return finish(node, 1);
            }
            case ObjectStreamConstants.TC_ARRAY:
                return array();
            case ObjectStreamConstants.TC_OBJECT:
                return object();
            case ObjectStreamConstants.TC_RESET:
                handles.clear();
                return content();
            default:
                throw new Refused("unexpected stream element 0x" + Integer.toHexString(tc));
        }
    }

    private Desc classDesc() {
        int tc = u1();
        switch (tc) {
            case ObjectStreamConstants.TC_NULL:
                return null;
            case ObjectStreamConstants.TC_REFERENCE: {
                Object target = handle(s4());
                if (target instanceof Desc desc) {
                    return desc;
                }
                throw new Refused("a class descriptor that is not one");
            }
            case ObjectStreamConstants.TC_CLASSDESC: {
                Desc desc = new Desc(utf());
                skip(8); // serialVersionUID
                handles.add(desc);
                desc.flags = u1();
                int fields = u2();
                for (int i = 0; i < fields; i++) {
                    char type = (char) u1();
                    skip(u2()); // field name
                    if (type == 'L' || type == '[') {
                        content(); // the field's type name, a string
                    } else if (width(type) < 0) {
                        throw new Refused("unknown field type " + type);
                    }
                    desc.fieldTypes.add(type);
                }
                annotation();
                desc.superDesc = classDesc();
                return desc;
            }
            case ObjectStreamConstants.TC_PROXYCLASSDESC: {
                Desc desc = new Desc("$Proxy");
                handles.add(desc);
                int interfaces = s4();
                if (interfaces < 0 || interfaces > bytes.length - at) {
                    throw new Refused("a proxy with " + interfaces + " interfaces");
                }
                for (int i = 0; i < interfaces; i++) {
                    skip(u2());
                }
                desc.flags = ObjectStreamConstants.SC_SERIALIZABLE;
                annotation();
                desc.superDesc = classDesc();
                return desc;
            }
            default:
                throw new Refused("unexpected class descriptor element 0x" + Integer.toHexString(tc));
        }
    }

    private long array() {
        Desc desc = classDesc();
        if (desc == null || desc.name.length() < 2 || desc.name.charAt(0) != '[') {
            throw new Refused("an array without an array class");
        }
        Node node = newNode();
        int length = s4();
        if (length < 0 || length > bytes.length - at) {
            throw new Refused("an array of " + length + " elements in " + bytes.length + " bytes");
        }
        char component = desc.name.charAt(1);
        if (component == 'L' || component == '[') {
            enter();
            long unfolded = 1;
            for (int i = 0; i < length; i++) {
                unfolded = add(unfolded, content());
            }
            depth--;
            return finish(node, unfolded);
        }
        int width = width(component);
        if (width < 0 || (long) length * width > bytes.length - at) {
            throw new Refused("an array of " + length + " elements in " + bytes.length + " bytes");
        }
        skip(length * width);
        return finish(node, 1);
    }

    private long object() {
        Desc desc = classDesc();
        if (desc == null) {
            throw new Refused("an object without a class");
        }
        Node node = newNode();
        enter();
        List<Desc> hierarchy = new ArrayList<>();
        for (Desc d = desc; d != null; d = d.superDesc) {
            hierarchy.add(0, d);
            if (hierarchy.size() > maxDepth * 4) {
                throw new Refused("a class hierarchy without end");
            }
        }
        long unfolded = 1;
        for (Desc d : hierarchy) {
            if ((d.flags & ObjectStreamConstants.SC_EXTERNALIZABLE) != 0) {
                if ((d.flags & ObjectStreamConstants.SC_BLOCK_DATA) == 0) {
                    throw new Refused("externalizable data of the old protocol");
                }
                unfolded = add(unfolded, annotation());
            } else if ((d.flags & ObjectStreamConstants.SC_SERIALIZABLE) != 0) {
                for (char type : d.fieldTypes) {
                    if (type == 'L' || type == '[') {
                        unfolded = add(unfolded, content());
                    } else {
                        skip(width(type));
                    }
                }
                if ((d.flags & ObjectStreamConstants.SC_WRITE_METHOD) != 0) {
                    unfolded = add(unfolded, annotation());
                }
            }
        }
        depth--;
        return finish(node, unfolded);
    }

    /** Block data and objects a writeObject method wrote, up to the end marker. */
    private long annotation() {
        long unfolded = 0;
        while (true) {
            int tc = peek();
            if (tc == ObjectStreamConstants.TC_ENDBLOCKDATA) {
                at++;
                return unfolded;
            } else if (tc == ObjectStreamConstants.TC_BLOCKDATA) {
                at++;
                skip(u1());
            } else if (tc == ObjectStreamConstants.TC_BLOCKDATALONG) {
                at++;
                int length = s4();
                if (length < 0) {
                    throw new Refused("a negative block length");
                }
                skip(length);
            } else {
                unfolded = add(unfolded, content());
            }
        }
    }

    private Node newNode() {
        Node node = new Node();
        handles.add(node);
        return node;
    }

    private long leaf() {
        return finish(newNode(), 1);
    }

    private long finish(Node node, long unfolded) {
        node.unfolded = unfolded;
        work = add(work, unfolded);
        if (work > MAX_WORK) {
            throw new Refused("reading it would visit more than " + MAX_WORK
                    + " objects (collections that share what they hold)");
        }
        return unfolded;
    }

    private void enter() {
        if (++depth > maxDepth) {
            throw new Refused("nested deeper than " + maxDepth + " levels");
        }
    }

    private static long add(long a, long b) {
        long sum = a + b;
        return sum < 0 || sum > MAX_WORK * 2 ? MAX_WORK * 2 : sum; // saturates: only "too much" matters
    }

    private Object handle(int wire) {
        int index = wire - HANDLE_BASE;
        if (index < 0 || index >= handles.size()) {
            throw new Refused("a reference to nothing");
        }
        return handles.get(index);
    }

    private static int width(char type) {
        return switch (type) {
            case 'B', 'Z' -> 1;
            case 'C', 'S' -> 2;
            case 'I', 'F' -> 4;
            case 'J', 'D' -> 8;
            default -> -1;
        };
    }

    private String utf() {
        int length = u2();
        need(length);
        String text = new String(bytes, at, length, java.nio.charset.StandardCharsets.UTF_8);
        at += length;
        return text;
    }

    private void skip(int count) {
        need(count);
        at += count;
    }

    private int peek() {
        need(1);
        return bytes[at] & 0xFF;
    }

    private int u1() {
        need(1);
        return bytes[at++] & 0xFF;
    }

    private int u2() {
        need(2);
        int value = ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
        at += 2;
        return value;
    }

    private int s4() {
        need(4);
        int value = ((bytes[at] & 0xFF) << 24) | ((bytes[at + 1] & 0xFF) << 16) | ((bytes[at + 2] & 0xFF) << 8) | (bytes[at + 3] & 0xFF);
        at += 4;
        return value;
    }

    private long s8() {
        long high = s4() & 0xFFFFFFFFL;
        return (high << 32) | (s4() & 0xFFFFFFFFL);
    }

    private void need(int count) {
        if (count < 0 || count > bytes.length - at) {
            throw new Refused("the value ends early");
        }
    }
}
