package dev.serversessions.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes a store writer chooses, through the Java codec: each payload is refused as undecodable,
 * before it does what it was built to do (open a port, connect, spin, allocate). The payloads are
 * {@link HostileJavaBytes}', the ones the integration tests write into real stores.
 */
class HostileJavaBytesTest {
    /** As an application that allowlists its whole namespace: denials must still win. */
    private final JavaAttributeCodec codec = new JavaAttributeCodec(getClass().getClassLoader(), List.of("dev.serversessions.**"));

    @TempDir
    Path dir;

    /** An application class that is a remote object: reading one re-exports it on its port. */
    static final class Exported extends UnicastRemoteObject implements Greeter {
        private static final long serialVersionUID = 1L;

        Exported(int port) throws RemoteException {
            super(port, null, new LoopbackSockets());
        }

        @Override
        public String greet() {
            return "hello";
        }
    }

    /** Tests listen on loopback only; a field of the remote object, so it is serialized with it. */
    static final class LoopbackSockets implements RMIServerSocketFactory, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        }
    }

    public interface Greeter extends Remote {
        String greet() throws RemoteException;
    }

    @Test
    void aRemoteObjectIsRefusedAndOpensNoPort() throws Exception {
        int port = freePort();
        Exported remote = new Exported(port);
        UnicastRemoteObject.unexportObject(remote, true);
        byte[] subclass = HostileJavaBytes.serialize(remote);
        awaitClosed(port);
        byte[] bare = HostileJavaBytes.remoteObject(port);

        for (byte[] bytes : List.of(subclass, bare)) {
            Set<Integer> before = HostileJavaBytes.listeningPorts();
            UndecodableAttributeException e = assertThrows(UndecodableAttributeException.class, () -> codec.decode("r", bytes));
            assertTrue(e.getMessage().contains("java.rmi.server.UnicastRemoteObject is denied"), e.getMessage());
            Set<Integer> opened = HostileJavaBytes.listeningPorts();
            opened.removeAll(before);
            assertEquals(Set.of(), opened, "ports opened by the decode");
            assertFalse(listening(port), "the remote object was not re-exported on its port " + port);
        }
    }

    @Test
    void aRemoteStubIsRefusedAndConnectsNowhere() throws Exception {
        int port = freePort();
        byte[][] payloads = HostileJavaBytes.remoteStubAndInvocationHandler(port);
        byte[] stub = payloads[0];
        byte[] handler = payloads[1];

        try (ServerSocket watch = HostileJavaBytes.watch(port)) {
            UndecodableAttributeException proxied = assertThrows(UndecodableAttributeException.class, () -> codec.decode("s", stub));
            assertTrue(proxied.getMessage().contains("proxy"), proxied.getMessage());
            UndecodableAttributeException bare = assertThrows(UndecodableAttributeException.class, () -> codec.decode("h", handler));
            assertTrue(bare.getMessage().contains("java.rmi.server.RemoteObjectInvocationHandler is denied"), bare.getMessage());
            assertNoConnection(watch);
        }
    }

    @Test
    void aUrlIsRefusedAndConnectsNowhere() throws Exception {
        try (ServerSocket watch = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // URLDNS: hashing the key resolves its host; the handler would then be the app's to open
            byte[] bytes = HostileJavaBytes.urlKey(watch.getLocalPort());
            UndecodableAttributeException e = assertThrows(UndecodableAttributeException.class, () -> codec.decode("u", bytes));
            assertTrue(e.getMessage().contains("java.net.URL is denied"), e.getMessage());
            assertNoConnection(watch);
        }
    }

    @Test
    void nestedSetsThatShareTheirChildrenAreRefusedQuickly() {
        // 2 kB for 2^100 hashCode calls: each level's two sets both hold the next level's two
        byte[] bytes = HostileJavaBytes.nestedSets(100);
        assertTrue(bytes.length < 10_000, bytes.length + " bytes");

        long start = System.nanoTime();
        UndecodableAttributeException e = assertThrows(UndecodableAttributeException.class, () -> codec.decode("s", bytes));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("deeper than " + JavaAttributeCodec.MAX_DEPTH), e.getMessage());
        assertTrue(millis < 1_000, "refused after " + millis + " ms");
    }

    @Test
    void chainsOfSharedSetsJoinedByBackReferencesAreRefusedQuickly() {
        // within the depth limit: each chain is 12 levels, and the next chain's deepest sets hold the
        // previous chain, so hashing the third costs 2^36 visits
        byte[] bytes = HostileJavaBytes.chainedSets(3, 12);
        assertTrue(bytes.length < 3_000, bytes.length + " bytes");

        long start = System.nanoTime();
        UndecodableAttributeException e = assertThrows(UndecodableAttributeException.class, () -> codec.decode("c", bytes));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("would visit more than"), e.getMessage());
        assertTrue(millis < 1_000, "refused after " + millis + " ms");
    }

    @Test
    void theMostSharingTheWorkLimitLetsThroughStillReadsQuickly() {
        long slowest = 0;
        int levels = 8;
        while (true) {
            byte[] bytes = HostileJavaBytes.nestedSets(levels);
            long start = System.nanoTime();
            try {
                codec.decode("s", bytes);
            } catch (UndecodableAttributeException e) {
                assertTrue(e.getMessage().contains("would visit more than"), e.getMessage());
                break;
            }
            slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
            levels++;
        }
        assertTrue(levels > 12, "refused at only " + levels + " levels");
        // a margin over "well under a second" for a shared, slow machine; without the limit it never ends
        assertTrue(slowest < 2_000, "the deepest accepted (" + (levels - 1) + " levels) read in " + slowest + " ms");
    }

    @Test
    void largeValuesWithoutSharingAreWithinTheWorkLimit() {
        List<String> list = new ArrayList<>();
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            list.add("item " + i);
            map.put("key " + i, i);
        }
        assertEquals(list, codec.decode("l", codec.encode("l", list)));
        assertEquals(map, codec.decode("m", codec.encode("m", map)));
    }

    @Test
    void anArrayLengthOf2To31IsRefusedBeforeAllocation() {
        for (int length : new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, 100_000}) {
            byte[] ints = HostileJavaBytes.arrayLength(length);
            UndecodableAttributeException e = assertThrows(UndecodableAttributeException.class, () -> codec.decode("a", ints));
            assertTrue(length < 0 || e.getMessage().contains("array of " + length), e.getMessage());
        }
        byte[] strings = HostileJavaBytes.objectArrayLength(Integer.MAX_VALUE);
        assertThrows(UndecodableAttributeException.class, () -> codec.decode("a", strings));
        assertEquals(1, ((int[]) codec.decode("a", HostileJavaBytes.serialize(new int[] {7}))).length, "the unpatched array reads");
    }

    @Test
    void aCollectionClaimingBillionsOfElementsIsRefusedBeforeItsTableIsAllocated() {
        // HashMap writes capacity then size as two ints in its block; the size sets the table
        byte[] hostile = HostileJavaBytes.hugeMap();
        UndecodableAttributeException e = assertThrows(UndecodableAttributeException.class, () -> codec.decode("m", hostile));
        // refused by the filter when HashMap asks for its table of 2^30 entries, not by the end of
        // the truncated stream (which a heap big enough for the table would reach too)
        assertTrue(e.getMessage().contains("an array of " + (1 << 30) + " elements in " + hostile.length + " bytes"), e.getMessage());
    }

    @Test
    void aValueWhoseHashCodeNeverEndsIsUndecodable() {
        // the list is added to itself after hashing; reading it back hashes a list that holds itself
        byte[] bytes = HostileJavaBytes.selfHashing();
        UndecodableAttributeException e = assertThrows(UndecodableAttributeException.class, () -> codec.decode("l", bytes));
        assertTrue(e.getMessage().contains("StackOverflowError"), e.getMessage());
        assertTrue(e.getCause().getStackTrace().length < 100, "the log line does not carry the overflowed stack");
    }

    /** Fails its static initializer once the property is set: a class changed since the value was stored. */
    public static final class Fragile implements Serializable {
        private static final long serialVersionUID = 1L;

        static {
            if (Boolean.getBoolean("hostile.fragile")) {
                throw new IllegalStateException("static initializer fails");
            }
        }
    }

    public static class Parent implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    public static final class Child extends Parent {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void aClassWhoseStaticInitializerFailsIsUndecodable() throws Exception {
        byte[] bytes = HostileJavaBytes.serialize(new Fragile());
        try (URLClassLoader fresh = isolatedLoader(Fragile.class)) {
            JavaAttributeCodec redeployed = new JavaAttributeCodec(fresh, List.of("dev.serversessions.**"));
            System.setProperty("hostile.fragile", "true");
            try {
                UndecodableAttributeException first = assertThrows(UndecodableAttributeException.class, () -> redeployed.decode("f", bytes));
                assertTrue(first.getCause() instanceof LinkageError, String.valueOf(first.getCause()));
                UndecodableAttributeException again = assertThrows(UndecodableAttributeException.class, () -> redeployed.decode("f", bytes));
                assertTrue(again.getCause() instanceof NoClassDefFoundError, String.valueOf(again.getCause()));
            } finally {
                System.clearProperty("hostile.fragile");
            }
        }
    }

    @Test
    void aClassWhoseSuperclassIsGoneIsUndecodable() throws Exception {
        byte[] bytes = HostileJavaBytes.serialize(new Child());
        try (URLClassLoader fresh = isolatedLoader(Child.class)) { // Parent was removed
            JavaAttributeCodec redeployed = new JavaAttributeCodec(fresh, List.of("dev.serversessions.**"));
            UndecodableAttributeException e = assertThrows(UndecodableAttributeException.class, () -> redeployed.decode("c", bytes));
            assertTrue(e.getCause() instanceof NoClassDefFoundError, String.valueOf(e.getCause()));
        }
    }

    @Test
    void theValueTypesSessionsHoldStillRoundTrip() {
        Map<String, Object> map = new ConcurrentHashMap<>(Map.of("n", 1, "big", new java.math.BigDecimal("1.50"),
                "when", java.time.ZonedDateTime.parse("2026-11-30T10:00:00+01:00[Europe/Paris]"),
                "id", java.util.UUID.randomUUID(), "locale", java.util.Locale.GERMANY, "day", java.time.DayOfWeek.MONDAY,
                "sorted", new TreeSet<>(List.of("b", "a")), "immutable", List.of(1, 2, 3), "bytes", new byte[0]));
        Object[] values = {map, Map.of("a", Set.of(1)), java.util.EnumSet.of(java.time.DayOfWeek.FRIDAY),
                new java.util.EnumMap<>(Map.of(java.time.DayOfWeek.SUNDAY, "rest")), java.util.Collections.unmodifiableList(new ArrayList<>(List.of("x"))),
                java.util.Arrays.asList("p", "q"), new java.util.LinkedList<>(List.of(1L)), new java.util.ArrayDeque<>(List.of('c')),
                new java.util.Date(0), java.time.Duration.ofMinutes(5), new long[] {1, 2}, new String[][] {{"nested"}},
                new java.util.concurrent.atomic.AtomicLong(3)};
        for (Object value : values) {
            Object back = codec.decode("v", codec.encode("v", value));
            assertEquals(value.getClass(), back.getClass());
        }
        assertEquals(map.keySet(), ((Map<?, ?>) codec.decode("m", codec.encode("m", map))).keySet());
        byte[] big = new byte[5 * 1024 * 1024];
        assertEquals(big.length, ((byte[]) codec.decode("b", codec.encode("b", big))).length, "a 5 MB array is not an attack");
    }

    @Test
    void aValueBeyondTheSizeLimitIsRefusedAtEncodeAndAtDecode() {
        byte[] tooBig = new byte[JavaAttributeCodec.MAX_BYTES];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec.encode("upload", tooBig));
        assertTrue(e.getMessage().contains("'upload'") && e.getMessage().contains(String.valueOf(JavaAttributeCodec.MAX_BYTES)), e.getMessage());
        assertThrows(UndecodableAttributeException.class, () -> codec.decode("upload", new byte[JavaAttributeCodec.MAX_BYTES + 1]));
    }

    private URLClassLoader isolatedLoader(Class<?> only) throws IOException {
        String resource = only.getName().replace('.', '/') + ".class";
        Path copy = dir.resolve(resource);
        Files.createDirectories(copy.getParent());
        try (var in = only.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, copy);
        }
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    private static void assertNoConnection(ServerSocket watch) throws IOException {
        watch.setSoTimeout(300);
        try (Socket accepted = watch.accept()) {
            throw new AssertionError("the decode connected to " + watch.getLocalSocketAddress() + " from " + accepted.getRemoteSocketAddress());
        } catch (SocketTimeoutException expected) {
            // nobody came
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitClosed(int port) throws InterruptedException {
        for (int i = 0; i < 100 && listening(port); i++) {
            Thread.sleep(50);
        }
        assertFalse(listening(port), "port " + port + " still open before the decode");
    }

    private static boolean listening(int port) {
        return HostileJavaBytes.listeningPorts().contains(port);
    }
}
