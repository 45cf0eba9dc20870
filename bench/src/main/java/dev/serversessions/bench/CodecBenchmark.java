package dev.serversessions.bench;

import dev.serversessions.internal.codec.AttributeCodec;
import dev.serversessions.internal.codec.JavaAttributeCodec;
import dev.serversessions.internal.codec.JsonAttributeCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Encode and decode of a session-sized value: what every saved or loaded attribute costs. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodecBenchmark {
    @Param({"java", "json"})
    public String format;

    /** Approximate encoded size of the value: a small session and a 50 kB one. */
    @Param({"1024", "51200"})
    public int bytes;

    private AttributeCodec codec;
    private Object value;
    private byte[] encoded;

    @Setup
    public void setUp() {
        codec = format.equals("java") ? new JavaAttributeCodec(getClass().getClassLoader(), List.of()) : new JsonAttributeCodec();
        Map<String, Object> cart = new LinkedHashMap<>();
        List<Object> items = new ArrayList<>();
        int item = 0;
        while (codec.encode("cart", cart).length < bytes) {
            items.add(Map.of("sku", "SKU-" + item, "name", "item number " + item, "qty", item % 7, "price", 9.99 + item));
            cart.put("items", items);
            cart.put("owner", "alice");
            item++;
        }
        value = cart;
        encoded = codec.encode("cart", value);
    }

    @Benchmark
    public byte[] encode() {
        return codec.encode("cart", value);
    }

    @Benchmark
    public Object decode() {
        return codec.decode("cart", encoded);
    }
}
