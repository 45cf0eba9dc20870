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
 * A string or array of primitives counts once per {@link #BYTES_PER_VISIT} bytes it holds: a queue
 * sorts itself once read ({@code PriorityQueue}, {@code ConcurrentSkipListSet}), and comparing one
 * 3 MB string, referenced 100,000 times, with itself costs its length at every comparison.
 * No class is loaded; a stream this walk does not understand is refused too.
 */
final class StreamShape {
    /** Sum, over the objects of one value, of the objects each reaches counted once per path. */
    static final long MAX_WORK = 1_000_000;
    /**
     * Entries of a set or map that is filled only once all of it is read, after the last point where
     * reading could be stopped ({@link ReadBudget}): {@code ConcurrentHashMap} and the immutable
     * {@code Set.of}/{@code Map.of} collections. Entries that share one hash code cost each insertion a
     * search of all before it; 2,048 of them cost 2 million comparisons, some tens of milliseconds.
     */
    static final int MAX_FILLED_AT_ONCE = 2048;
    private static final String FILLED_AT_ONCE_MAP = "java.util.concurrent.ConcurrentHashMap";
    private static final String IMMUTABLE_COLLECTION = "java.util.CollSer";
    /** {@code CollSer}'s tags of a set and a map: {@code ImmutableCollections} hash them when they are rebuilt. */
    private static final int IMMUTABLE_SET = 2;
    private static final int IMMUTABLE_MAP = 3;

    /** Bytes of a string or primitive array that count as one visit: comparing them runs at about that much per object. */
    static final int BYTES_PER_VISIT = 256;

    private static final java.util.Set<String> CONTENT_CLASSES = java.util.Set.of("java.util.ArrayList",
            "java.util.LinkedList", "java.util.Vector", "java.util.Stack", "java.util.HashSet", "java.util.LinkedHashSet",
            "java.util.TreeSet", "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.Hashtable",
            "java.util.Arrays$ArrayList", "java.util.CollSer", "java.util.AbstractMap$SimpleEntry",
            "java.util.AbstractMap$SimpleImmutableEntry", "java.util.concurrent.ConcurrentHashMap",
            "java.util.concurrent.ConcurrentSkipListMap", "java.util.concurrent.ConcurrentSkipListSet",
            "java.util.concurrent.CopyOnWriteArrayList", "java.util.concurrent.CopyOnWriteArraySet");

    private static final int HANDLE_BASE = ObjectStreamConstants.baseWireHandle;

    private final byte[] bytes;
    private final int maxDepth;
    private final List<Object> handles = new ArrayList<>();
    private int at;
    private int depth;
    private long work;
    /** The objects being read, innermost last. */
    private final List<Node> open = new ArrayList<>();
    /** Objects the last annotation held, and the last int field read. */
    private int annotationCount;
    private int lastInt;

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
        /** A JDK collection, map, entry or array: its hashCode and equals go through what it holds. */
        boolean contents;
        /** While it is read: the unfolded size of what it holds so far, what hashing it now would visit. */
        long partial = 1;
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
                    refuseSelfHolding(node);
                    // A cycle. Hashing an element that refers back to its set visits what the set holds
                    // so far: a HashSet of such elements overflows the stack, after scanning its table
                    // at every level, and a Hashtable (whose hashCode stops at itself) rehashes all
                    // before at each insertion. Counting the set as what it holds so far refuses both.
                    return node.unfolded < 0 ? node.partial : node.unfolded;
                }
                return 0;
            }
            case ObjectStreamConstants.TC_CLASSDESC:
            case ObjectStreamConstants.TC_PROXYCLASSDESC:
                at--;
                classDesc();
                return 0;
            case ObjectStreamConstants.TC_STRING: {
                int length = u2();
                skip(length);
                return leaf(length);
            }
            case ObjectStreamConstants.TC_LONGSTRING: {
                long length = s8();
                if (length < 0 || length > bytes.length - at) {
                    throw new Refused("a string longer than the value");
                }
                skip((int) length);
                return leaf(length);
            }
            case ObjectStreamConstants.TC_CLASS:
                classDesc();
                return leaf(0);
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
        Node node = open(newNode(), true);
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
                node.partial = unfolded;
            }
            depth--;
            return finish(close(node), unfolded);
        }
        close(node);
        int width = width(component);
        if (width < 0 || (long) length * width > bytes.length - at) {
            throw new Refused("an array of " + length + " elements in " + bytes.length + " bytes");
        }
        skip(length * width);
        return finish(node, 1 + (long) length * width / BYTES_PER_VISIT);
    }

    private long object() {
        Desc desc = classDesc();
        if (desc == null) {
            throw new Refused("an object without a class");
        }
        Node node = open(newNode(), holdsContents(desc.name));
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
                unfolded = annotation(node, unfolded);
            } else if ((d.flags & ObjectStreamConstants.SC_SERIALIZABLE) != 0) {
                for (char type : d.fieldTypes) {
                    if (type == 'L' || type == '[') {
                        unfolded = add(unfolded, content());
                        node.partial = unfolded;
                    } else if (type == 'I') {
                        lastInt = s4();
                    } else {
                        skip(width(type));
                    }
                }
                if ((d.flags & ObjectStreamConstants.SC_WRITE_METHOD) != 0) {
                    int tag = lastInt; // before the annotation's own objects read theirs
                    unfolded = annotation(node, unfolded);
                    checkFilledAtOnce(d, tag);
                }
            }
        }
        depth--;
        return finish(close(node), unfolded);
    }

    private Node open(Node node, boolean contents) {
        node.contents = contents;
        open.add(node);
        return node;
    }

    private Node close(Node node) {
        open.remove(open.size() - 1);
        return node;
    }

    /**
     * A reference back to {@code target}, still being read, from within JDK collections only: a
     * collection that holds itself. Its hashCode, equals and toString recurse without end, and
     * hashing it (in a set that holds it, at any later point of the reading) costs, at each level
     * until the stack overflows, a pass over all it holds: a set of 40,000 strings and itself, in
     * another set, took 2.5 s. An application object on the way (a parent pointer) makes no such path.
     */
    private void refuseSelfHolding(Node target) {
        if (target.unfolded >= 0) {
            return;
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            Node node = open.get(i);
            if (!node.contents) {
                return;
            }
            if (node == target) {
                throw new Refused("a collection that holds itself: hashing it would recurse without end, a pass over all it"
                        + " holds at every level until a StackOverflowError");
            }
        }
    }

    /**
     * Classes whose hashCode and equals visit what they hold. The synchronized wrappers are not
     * among them: they hold themselves as their lock, which their hashCode never visits.
     */
    private static boolean holdsContents(String className) {
        return CONTENT_CLASSES.contains(className) || className.startsWith("java.util.ImmutableCollections$")
                || className.startsWith("java.util.Collections$Unmodifiable");
    }

    /** Block data and objects a writeObject method wrote, up to the end marker. */
    private long annotation() {
        return annotation(new Node(), 0);
    }

    /** {@link #annotation()} of {@code owner}, which holds {@code unfolded} before it; returns the sum. */
    private long annotation(Node owner, long unfolded) {
        int count = 0;
        while (true) {
            int tc = peek();
            if (tc == ObjectStreamConstants.TC_ENDBLOCKDATA) {
                at++;
                annotationCount = count;
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
                owner.partial = unfolded;
                count++;
            }
        }
    }

    /** After the annotation of {@code d}'s writeObject: {@link #MAX_FILLED_AT_ONCE}. */
    private void checkFilledAtOnce(Desc d, int tag) {
        int entries;
        if (d.name.equals(FILLED_AT_ONCE_MAP)) {
            entries = Math.max(0, annotationCount - 2) / 2; // keys and values, then a null pair
        } else if (d.name.equals(IMMUTABLE_COLLECTION) && ((tag & 0xFF) == IMMUTABLE_SET || (tag & 0xFF) == IMMUTABLE_MAP)) {
            entries = (tag & 0xFF) == IMMUTABLE_MAP ? annotationCount / 2 : annotationCount;
        } else {
            return;
        }
        if (entries > MAX_FILLED_AT_ONCE) {
            throw new Refused("a " + (d.name.equals(FILLED_AT_ONCE_MAP) ? "ConcurrentHashMap" : "Set.of or Map.of collection")
                    + " of " + entries + " entries, more than the " + MAX_FILLED_AT_ONCE + " that may be hashed all at once after reading");
        }
    }

    private Node newNode() {
        Node node = new Node();
        handles.add(node);
        return node;
    }

    private long leaf(long bytes) {
        return finish(newNode(), 1 + bytes / BYTES_PER_VISIT);
    }

    private long finish(Node node, long unfolded) {
        node.unfolded = unfolded;
        work = add(work, unfolded);
        if (work > MAX_WORK) {
            throw new Refused("reading it would visit more than " + MAX_WORK
                    + " objects (collections that share what they hold, or that what they hold refers back to)");
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
