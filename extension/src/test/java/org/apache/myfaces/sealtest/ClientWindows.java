package org.apache.myfaces.sealtest;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Stands for MyFaces' holders of {@code @FlowScoped} and {@code @ClientWindowScoped} beans: a
 * class under org.apache.myfaces that keeps a serializable lambda of its own, capturing itself
 * (MyFaces' {@code LRULinkedHashMap} of client windows and its expiry callback).
 */
public class ClientWindows implements Serializable {
    private static final long serialVersionUID = 1L;

    /** MyFaces' {@code SerializableConsumer}. */
    public interface Callback extends Consumer<String>, Serializable {
    }

    private final List<String> expired = new ArrayList<>();
    private final Callback onExpiry = window -> expired.add(window);

    public void expire(String window) {
        onExpiry.accept(window);
    }

    public List<String> expired() {
        return expired;
    }
}
