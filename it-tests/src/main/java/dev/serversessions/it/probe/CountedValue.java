package dev.serversessions.it.probe;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A session value (a 2,000-item cart) that counts how often it is serialized and deserialized,
 * which is how often the codec encoded and decoded it: the tests read the counts through
 * {@code /probe/serializations} and {@code /probe/deserializations}.
 */
public final class CountedValue implements Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger SERIALIZATIONS = new AtomicInteger();
    static final AtomicInteger DESERIALIZATIONS = new AtomicInteger();

    private final List<String> items = new ArrayList<>();

    CountedValue(int size) {
        for (int i = 0; i < size; i++) {
            items.add("item-" + i);
        }
    }

    int size() {
        return items.size();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        DESERIALIZATIONS.incrementAndGet();
        in.defaultReadObject();
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        SERIALIZATIONS.incrementAndGet();
        out.defaultWriteObject();
    }
}
