package dev.serversessions.internal.codec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Java serialization streams of JDK collections only, each under the default {@code SESSION_MAX_SIZE}
 * (4 MiB), whose reading costs far more than their size says: elements that share one hash code,
 * collections whose elements refer back to them (with the shared children written first), and a
 * queue that compares one long string with itself. Each is built so that building it here costs
 * nothing of what reading it costs: the elements get their hostile contents after they are inserted.
 */
public final class CostlyJavaBytes {
    /** Bytes a shape may take: the default SESSION_MAX_SIZE, less room for the other attributes. */
    public static final int MAX_BYTES = 4 * 1024 * 1024 - 64 * 1024;

    private CostlyJavaBytes() {
    }

    /** Every shape, by what reading it would do. */
    public static Map<String, byte[]> all() {
        Map<String, byte[]> shapes = new LinkedHashMap<>();
        shapes.put("HashSet of lists sharing one hash code (a linear search per element)", colliding(new HashSet<>(), 100_000));
        shapes.put("LinkedHashSet of lists sharing one hash code", colliding(new LinkedHashSet<>(), 100_000));
        shapes.put("HashMap keyed by lists sharing one hash code", collidingKeys(new HashMap<>(), 90_000));
        shapes.put("Hashtable keyed by lists sharing one hash code", collidingKeys(new Hashtable<>(), 90_000));
        shapes.put("ConcurrentHashMap keyed by lists sharing one hash code (filled once all is read)",
                collidingKeys(new ConcurrentHashMap<>(), 90_000));
        shapes.put("ConcurrentHashMap of 2,048 keys sharing one hash code (the most that is read)",
                collidingKeys(new ConcurrentHashMap<>(), 2048));
        shapes.put("Set.copyOf of lists sharing one hash code (rebuilt once all is read)", collidingImmutable(90_000));
        shapes.put("Set.copyOf of 2,048 lists sharing one hash code (the most that is read)", collidingImmutable(2048));
        shapes.put("Hashtable whose keys hold it (each insertion rehashes all before it)", keysHoldTheirTable(55_000, 0));
        shapes.put("Hashtable whose keys hold shared children, written first, and it", keysHoldTheirTable(11_000, 64));
        shapes.put("HashSet whose entries hold lists that hold it", entriesHoldTheirSet(new HashSet<>(), 55_000));
        shapes.put("LinkedHashSet whose entries hold lists that hold it", entriesHoldTheirSet(new LinkedHashSet<>(), 55_000));
        shapes.put("HashMap whose keys hold it", keysHoldTheirMap(new HashMap<>(), 45_000));
        shapes.put("TreeSet of shared strings in every key of a Hashtable that the keys hold", treeSetInSelfHoldingKeys(20_000));
        shapes.put("ArrayDeques that hold their HashSet, in it", dequesHoldTheirSet(45_000));
        shapes.put("PriorityQueue of one 3 MB string, 100,000 times (3 MB compared per comparison)", queueOfOneLongString());
        shapes.put("HashSet of 40,000 strings and itself, in a set (hashed after it is read)", setHoldingItselfInASet(40_000));
        return shapes;
    }

    /** Lists [i, -31 i]: each one's hash code is 31 (31 + i) - 31 i = 961. */
    private static List<Object> collidingList(int i) {
        List<Object> list = new ArrayList<>(2);
        list.add(i);
        list.add(0); // a hash code of its own while it is inserted here
        return list;
    }

    private static void collide(Iterable<?> lists) {
        for (Object list : lists) {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) list;
            l.set(1, -31 * (Integer) l.get(0));
        }
    }

    static byte[] colliding(Set<Object> set, int count) {
        for (int i = 0; i < count; i++) {
            set.add(collidingList(i));
        }
        collide(set);
        return fit(set);
    }

    static byte[] collidingImmutable(int count) {
        List<Object> lists = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lists.add(collidingList(i));
        }
        Set<Object> set = Set.copyOf(lists);
        collide(lists);
        return fit(set);
    }

    static byte[] collidingKeys(Map<Object, Object> map, int count) {
        for (int i = 0; i < count; i++) {
            map.put(collidingList(i), Boolean.TRUE);
        }
        collide(map.keySet());
        return fit(map);
    }

    /**
     * The shape of issue #27: keys [i, shared children..., the table]. Hashtable's hashCode returns
     * 0 for a table already being hashed, so hashing a key visits every key before it once, and
     * never overflows the stack.
     */
    static byte[] keysHoldTheirTable(int count, int sharedChildren) {
        List<Object> children = new ArrayList<>();
        for (int c = 0; c < sharedChildren; c++) {
            children.add(new HashSet<>(Set.of("child-" + c)));
        }
        Hashtable<Object, Object> table = new Hashtable<>();
        insertThenHold(table, count, key -> table.put(key, Boolean.TRUE), children);
        // the children first, so that every key refers back to them
        return fit(new ArrayList<>(List.of(children, table)));
    }

    static byte[] entriesHoldTheirSet(Set<Object> set, int count) {
        insertThenHold(set, count, set::add, List.of());
        return fit(set);
    }

    static byte[] keysHoldTheirMap(Map<Object, Object> map, int count) {
        insertThenHold(map, count, key -> map.put(key, key.get(0)), List.of());
        return fit(map);
    }

    static byte[] treeSetInSelfHoldingKeys(int count) {
        TreeSet<String> shared = new TreeSet<>();
        for (int c = 0; c < 64; c++) {
            shared.add("shared-" + c);
        }
        Hashtable<Object, Object> table = new Hashtable<>();
        insertThenHold(table, count, key -> table.put(key, Boolean.TRUE), List.of(shared));
        return fit(new ArrayList<>(List.of(shared, table)));
    }

    /**
     * Lists [i] inserted into {@code container}, each then given {@code extras} and the container
     * itself: inserted first, so that building this hashes nothing that refers back.
     */
    private static void insertThenHold(Object container, int count, Consumer<List<Object>> insert, List<Object> extras) {
        List<List<Object>> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<Object> key = new ArrayList<>(List.of(i));
            insert.accept(key);
            keys.add(key);
        }
        for (List<Object> key : keys) {
            key.addAll(extras);
            key.add(container);
        }
    }

    /**
     * ArrayDeque keeps Object's identity hash code, so these would cost nothing to read; the walk
     * cannot know what a class's hashCode does, and refuses them as it refuses a HashSet's own.
     */
    static byte[] dequesHoldTheirSet(int count) {
        Set<Object> set = new HashSet<>();
        List<ArrayDeque<Object>> deques = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ArrayDeque<Object> deque = new ArrayDeque<>(List.of(i));
            set.add(deque);
            deques.add(deque);
        }
        deques.forEach(deque -> deque.add(set));
        return fit(set);
    }

    /**
     * A set of strings that holds itself, and a list holding it in a second set: reading the second
     * set hashes the first, which recurses into itself after a pass over its strings at every level.
     */
    static byte[] setHoldingItselfInASet(int strings) {
        Set<Object> self = new HashSet<>();
        for (int i = 0; i < strings; i++) {
            self.add("s" + i);
        }
        self.add(self); // hashed while it does not hold itself yet
        List<Object> holder = new ArrayList<>();
        Set<Object> outer = new HashSet<>(Set.of(holder));
        holder.add(self);
        return fit(new ArrayList<>(List.of(self, outer)));
    }

    static byte[] queueOfOneLongString() {
        String text = "x".repeat(3_000_000);
        PriorityQueue<String> queue = new PriorityQueue<>();
        for (int i = 0; i < 100_000; i++) {
            queue.add(text);
        }
        return fit(queue);
    }

    private static byte[] fit(Object value) {
        byte[] bytes = HostileJavaBytes.serialize(value);
        if (bytes.length > MAX_BYTES) {
            throw new IllegalStateException(bytes.length + " bytes: more than " + MAX_BYTES);
        }
        return bytes;
    }
}
