package dev.serversessions.internal.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Java serialization, read back through an {@link ObjectInputFilter} that decides before
 * anything is allocated. Whoever can write to the store chooses the bytes, so the filter is
 * the boundary: it allows the value types applications keep in sessions
 * ({@link SerializationAllowlist}), the application's own classes ({@code WEB-INF/classes}) and
 * the patterns of {@code SESSION_SERIALIZATION_ALLOWLIST} (e.g. {@code com.example.**}), and
 * refuses everything else, denied packages first. Libraries in {@code WEB-INF/lib} are not
 * allowed by default: they are where deserialization gadgets live.
 *
 * <p>The limits below are far above what a session holds and far below what hurts the server.
 * Before the stream is opened, {@link StreamShape} bounds the work of hashing what it holds
 * (nested collections that share their children cost 2^depth {@code hashCode} calls); an array
 * may not claim more elements than the stored value has bytes left, so a length field of 2^31
 * is refused instead of allocated. While it is read, {@link ReadBudget} bounds the CPU time that
 * the values' own {@code hashCode} and {@code equals} take (collisions, keys that refer back to
 * their map), which no look at the stream's structure can foresee.
 */
public final class JavaAttributeCodec implements AttributeCodec {
    /** Nesting of objects in one value. */
    public static final int MAX_DEPTH = 64;
    /** Objects visited to read one value, each counted once per path that reaches it: {@link StreamShape}. */
    public static final long MAX_WORK = StreamShape.MAX_WORK;
    /** Objects and back references read for one value. */
    public static final long MAX_REFERENCES = 1_000_000;
    /** Serialized size of one value, checked when it is put and when it is read. */
    public static final int MAX_BYTES = 16 * 1024 * 1024;
    /**
     * CPU time reading one value may take, class loading aside ({@link ReadBudget}), before it has
     * read any byte: what a cold server spends on its first objects, before the reading is compiled.
     */
    public static final Duration READ_TIME_BASE = Duration.ofMillis(100);
    /**
     * CPU time reading one value may take per byte of the value read so far, on top of
     * {@link #READ_TIME_BASE}: 1.15 s for 4 MiB (the default SESSION_MAX_SIZE). Measured on two busy
     * cores, ordinary values take 20 to 70 ns a byte on a warm server and up to 175 on a cold one
     * (a map of lists to sets); lists that all share one hash code pass this line after 400 to 5,000
     * of them (16 to 180 kB read), at 0.15 to 0.25 s, where 100,000 of them would take minutes.
     */
    public static final long READ_TIME_PER_BYTE_NANOS = 250;
    /**
     * Slack on "no more array elements than bytes left": a collection's own {@code readObject}
     * may check its table size while the block it read ahead is still counted as read.
     */
    private static final int READ_AHEAD = 1024;

    private final ClassLoader appLoader;
    private final ObjectInputFilter configured;
    private final RuntimeStateSeal seal;
    private final Map<Class<?>, Boolean> appClassCache = new ConcurrentHashMap<>();
    /** Each class's refusal ("" for allowed), outside and inside sealed values. */
    private final Map<Class<?>, String> decisions = new ConcurrentHashMap<>();
    private final Map<Class<?>, String> sealedDecisions = new ConcurrentHashMap<>();
    /** Loaders of the runtime's state classes the application's loader does not see ({@link #runtimeClass}). */
    private final Set<ClassLoader> runtimeLoaders = new CopyOnWriteArraySet<>();

    /** A codec whose runtime state ({@link RuntimeStateSeal}) is sealed with a key of this process. */
    public JavaAttributeCodec(ClassLoader appLoader, List<String> allowlist) {
        this(appLoader, allowlist, RuntimeStateSeal.of(Optional.empty(), List.of()));
    }

    public JavaAttributeCodec(ClassLoader appLoader, List<String> allowlist, RuntimeStateSeal seal) {
        this.appLoader = appLoader;
        this.seal = seal;
        this.configured = allowlist.isEmpty() ? null
                : ObjectInputFilter.Config.createFilter(String.join(";", allowlist) + ";!*");
    }

    @Override
    public byte[] encode(String name, Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        String runtimeClass;
        try (RuntimeStateSpotter out = new RuntimeStateSpotter(bytes)) {
            out.writeObject(value);
            runtimeClass = out.runtimeClass;
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("Session attribute '" + name + "' cannot be stored: " + e.getMessage()
                    + " is not Serializable (SESSION_SERIALIZATION_FORMAT=java)", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("Session attribute '" + name + "' cannot be serialized: " + e, e);
        }
        if (bytes.size() > MAX_BYTES) {
            throw new IllegalArgumentException("Session attribute '" + name + "' cannot be stored: it serializes to "
                    + bytes.size() + " bytes, more than the " + MAX_BYTES + " a session value may have");
        }
        return runtimeClass == null ? bytes.toByteArray() : seal.seal(name, bytes.toByteArray(), runtimeClass);
    }

    /**
     * A value that is one {@code String} and nothing else, as {@code ObjectOutputStream} writes
     * it (the stream header, {@code TC_STRING}, a two-byte length, modified UTF-8), read as
     * {@code ObjectInputStream} reads it ({@code readUTF}) but without building one: its
     * construction and the stream walk were most of the decoding a near-cache hit does (JFR),
     * and a string names no class for the gate to judge. Anything else, a string over 65,535
     * bytes ({@code TC_LONGSTRING}), trailing bytes or malformed text included, is null: the
     * general path reads it, or says why it cannot.
     */
    static String plainString(byte[] bytes) {
        if (bytes.length < 7 || bytes[0] != (byte) 0xAC || bytes[1] != (byte) 0xED || bytes[2] != 0 || bytes[3] != 5
                || bytes[4] != 0x74 || bytes.length != 7 + (((bytes[5] & 0xFF) << 8) | (bytes[6] & 0xFF))) {
            return null;
        }
        try {
            return new java.io.DataInputStream(new ByteArrayInputStream(bytes, 5, bytes.length - 5)).readUTF();
        } catch (IOException e) {
            return null;
        }
    }

    /** Notes the first class of runtime state written, if any: such a value is sealed. */
    private final class RuntimeStateSpotter extends ObjectOutputStream {
        private String runtimeClass;

        RuntimeStateSpotter(ByteArrayOutputStream bytes) throws IOException {
            super(bytes);
        }

        @Override
        protected void annotateClass(Class<?> type) {
            if (RuntimeStateSeal.isRuntimeState(type.getName())) {
                runtimeClass = runtimeClass == null ? type.getName() : runtimeClass;
                if (type.getClassLoader() != null && type.getClassLoader() != appLoader) {
                    runtimeLoaders.add(type.getClassLoader());
                }
            }
        }
    }

    /**
     * Reads the value back right away, so that a value the next request could not decode (a
     * class outside the allowlist, a graph deeper than the limit) fails the {@code put} that
     * stores it, with the reason, instead of silently emptying the session later.
     *
     * <p>Checking the classes while writing ({@code annotateClass}, {@code replaceObject}) would
     * save this decode, but not keep the guarantee: what fails is reading, and writing cannot
     * see it. A serializable class whose first non-serializable superclass has no no-arg
     * constructor is written fine and refused on read ("no valid constructor"); so are an
     * application's own {@code readObject}/{@code readResolve} that throw, and a graph whose
     * {@code hashCode} recurses when a set rebuilds itself. Only reading the bytes back says.
     */
    @Override
    public byte[] encodeForPut(String name, Object value) {
        byte[] bytes = encode(name, value);
        if (RuntimeStateSeal.isSealed(bytes)) {
            // the runtime's state, put by the runtime (Faces puts its map of views on every
            // request that renders a form): no application to tell, and reading it back doubled
            // the cost of each such request
            return bytes;
        }
        try {
            decode(name, bytes);
        } catch (UndecodableAttributeException e) {
            String reason = e.getCause().getMessage();
            throw new IllegalArgumentException("Session attribute '" + name + "' cannot be stored: it could not be read back ("
                    + reason + ")" + (reason != null && reason.endsWith("is not allowed") ? "; see SESSION_SERIALIZATION_ALLOWLIST" : ""), e);
        }
        return bytes;
    }

    @Override
    public Object decode(String name, byte[] stored) {
        boolean sealed = RuntimeStateSeal.isSealed(stored);
        if (sealed && !seal.verifies(name, stored)) {
            throw new UndecodableAttributeException(name, new InvalidClassException(
                    "a sealed value of the runtime's state whose seal does not verify (another SESSION_SECRET_KEY, or not written by this library)"));
        }
        byte[] bytes = sealed ? Arrays.copyOfRange(stored, RuntimeStateSeal.MAGIC.length + RuntimeStateSeal.MAC_LENGTH, stored.length) : stored;
        if (bytes.length > MAX_BYTES) {
            throw new UndecodableAttributeException(name, new InvalidClassException(
                    bytes.length + " bytes, more than the " + MAX_BYTES + " a session value may have"));
        }
        String string = sealed ? null : plainString(bytes);
        if (string != null) {
            return string;
        }
        try {
            if (!sealed) {
                // A sealed value is bytes this library wrote from a live object graph (its MAC
                // says so), not bytes built to make the reading work: the walk that bounds that
                // work is skipped. The filter, its limits and the denials still apply.
                StreamShape.check(bytes, MAX_DEPTH);
            }
        } catch (InvalidClassException e) {
            throw new UndecodableAttributeException(name, e);
        }
        ReadBudget budget = new ReadBudget(READ_TIME_BASE, READ_TIME_PER_BYTE_NANOS);
        Gate gate = new Gate(bytes.length, budget, sealed);
        try (ObjectInputStream in = new AppObjectInputStream(new ByteArrayInputStream(bytes), budget, sealed)) {
            in.setObjectInputFilter(gate);
            return in.readObject();
        } catch (VirtualMachineError e) {
            if (e instanceof StackOverflowError) {
                // a value whose hashCode recurses through itself; the stack is unwound by now, and
                // its thousand frames say nothing the log needs
                throw new UndecodableAttributeException(name, new InvalidClassException(
                        "reading it recursed without end (StackOverflowError)"));
            }
            // OutOfMemoryError and the like are the server's condition, not this value's; the
            // gate refuses hostile lengths before allocation, so these do not come from the bytes
            throw e;
        } catch (Throwable e) {
            // Anything else, a LinkageError included (a class changed or removed since the value
            // was stored, or one whose static initializer fails), means these bytes are not a value
            // this application can read: the session is treated as empty, never a 500.
            throw new UndecodableAttributeException(name, gate.refusal == null ? e : new InvalidClassException(gate.refusal));
        }
    }

    /** The filter of one decode: limits first, then denials, then the allowlists. */
    private final class Gate implements ObjectInputFilter {
        private final long size;
        private final ReadBudget budget;
        private final boolean sealed;
        private String refusal;

        Gate(long size, ReadBudget budget, boolean sealed) {
            this.size = size;
            this.budget = budget;
            this.sealed = sealed;
        }

        @Override
        public Status checkInput(FilterInfo info) {
            String reason = refusal(info);
            if (reason == null) {
                return info.serialClass() == null ? Status.UNDECIDED : Status.ALLOWED;
            }
            if (refusal == null) {
                refusal = reason;
            }
            return Status.REJECTED;
        }

        private String refusal(FilterInfo info) {
            if (info.depth() > MAX_DEPTH) {
                return "nested deeper than " + MAX_DEPTH + " levels";
            }
            if (info.references() > MAX_REFERENCES) {
                return "more than " + MAX_REFERENCES + " objects";
            }
            if (info.streamBytes() > MAX_BYTES) {
                return "more than " + MAX_BYTES + " bytes";
            }
            if (info.arrayLength() > size - info.streamBytes() + READ_AHEAD) {
                return "an array of " + info.arrayLength() + " elements in " + size + " bytes";
            }
            if (budget.exceeded(info.streamBytes())) {
                return "reading its first " + info.streamBytes() + " bytes took more than " + budget.allowedMillis(info.streamBytes())
                        + " ms of CPU time (" + READ_TIME_BASE.toMillis() + " ms and " + READ_TIME_PER_BYTE_NANOS
                        + " ns a byte): elements that share one hash code, or keys that refer back to their map,"
                        + " make each insertion visit all before it";
            }
            Class<?> type = info.serialClass();
            if (type == null) {
                return null;
            }
            while (type.isArray()) {
                type = type.getComponentType();
            }
            if (type.isPrimitive()) {
                return null;
            }
            // the filter sees every object's class: each class is decided once
            String decided = (sealed ? sealedDecisions : decisions).computeIfAbsent(type, this::decide);
            return decided.isEmpty() ? null : decided;
        }

        /** The refusal of a class (not an array, not primitive), or "" if it is allowed. */
        private String decide(Class<?> type) {
            if (sealed && (isAnnotationProxy(type) || type.isAnnotation())) {
                return ""; // an annotation instance of the runtime's state (SerializationAllowlist.SEALED_RUNTIME_CLASSES)
            }
            if (Proxy.isProxyClass(type) || SerializationAllowlist.isDenied(type.getName(), sealed)) {
                return "class " + type.getName() + " is denied";
            }
            if (SerializationAllowlist.isAllowed(type) || isApplicationClass(type)
                    || sealed && (RuntimeStateSeal.isRuntimeState(type.getName())
                            || SerializationAllowlist.SEALED_RUNTIME_CLASSES.contains(type.getName()))) {
                return "";
            }
            if (configured != null && configured.checkInput(new ClassOnly(type)) == Status.ALLOWED) {
                return "";
            }
            return "class " + type.getName() + " is not allowed";
        }
    }

    /** Whether a class is the JDK's proxy of one annotation type: an annotation instance. */
    private static boolean isAnnotationProxy(Class<?> type) {
        return Proxy.isProxyClass(type) && type.getInterfaces().length == 1 && type.getInterfaces()[0].isAnnotation();
    }

    /** What the configured patterns decide on: the class alone (they name classes and packages). */
    private record ClassOnly(Class<?> serialClass) implements ObjectInputFilter.FilterInfo {
        @Override
        public long arrayLength() {
            return -1;
        }

        @Override
        public long depth() {
            return 1;
        }

        @Override
        public long references() {
            return 1;
        }

        @Override
        public long streamBytes() {
            return 0;
        }
    }

    private boolean isApplicationClass(Class<?> type) {
        return appClassCache.computeIfAbsent(type, t -> {
            CodeSource source = t.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            return location != null && location.toString().contains("/WEB-INF/classes") || isInWebInfClasses(t);
        });
    }

    /**
     * Whether the class file its own loader serves is an entry under {@code WEB-INF/classes}. A
     * runtime that runs a WAR without unpacking it (Open Liberty by default) gives the classes
     * of {@code WEB-INF/classes} the archive itself as their code source, while the class file's
     * URL still names the entry ({@code wsjar:file:/.../app.war!/WEB-INF/classes/...}). A loader
     * that asks its parent first answers with the parent's class file for a name the parent has,
     * so a class of the runtime never counts as the application's by sharing a name.
     */
    private static boolean isInWebInfClasses(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null) {
            return false;
        }
        URL file = loader.getResource(type.getName().replace('.', '/') + ".class");
        return file != null && file.toString().contains("!/WEB-INF/classes/");
    }

    /**
     * A class of the runtime's state that the application's loader does not see: Open Liberty
     * shows a WAR the Faces and CDI APIs, not MyFaces or Weld. Their loaders are those of the
     * classes this codec wrote, and of the current request's {@code FacesContext} and bean
     * manager (after a restart, the first read comes before any write).
     */
    private Class<?> runtimeClass(String name, ClassNotFoundException notSeen) throws ClassNotFoundException {
        List<ClassLoader> loaders = new ArrayList<>(runtimeLoaders);
        loaders.add(loaderOf("jakarta.faces.context.FacesContext", "getCurrentInstance", null));
        loaders.add(loaderOf("jakarta.enterprise.inject.spi.CDI", "current", "getBeanManager"));
        for (ClassLoader loader : loaders) {
            if (loader != null) {
                try {
                    Class<?> found = Class.forName(name, false, loader);
                    runtimeLoaders.add(loader);
                    return found;
                } catch (ClassNotFoundException e) {
                    // the next one
                }
            }
        }
        throw notSeen;
    }

    /** The loader of what {@code type.first()} (then {@code .second()}) answers now; null if none. */
    private ClassLoader loaderOf(String type, String first, String second) {
        try {
            Object found = Class.forName(type, false, appLoader).getMethod(first).invoke(null);
            if (found != null && second != null) {
                found = found.getClass().getMethod(second).invoke(found);
            }
            return found == null ? null : found.getClass().getClassLoader();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // no Faces (or no CDI container) in this application or on this thread
        }
    }

    /** Resolves classes through the application's loader, not this library's. */
    private final class AppObjectInputStream extends ObjectInputStream {
        private final ReadBudget budget;
        private final boolean sealed;

        AppObjectInputStream(InputStream in, ReadBudget budget, boolean sealed) throws IOException {
            super(in);
            this.budget = budget;
            this.sealed = sealed;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            // a denied name is not even loaded: loading can run code in a class loader
            if (SerializationAllowlist.isDenied(desc.getName(), sealed)) {
                throw new InvalidClassException("class " + desc.getName() + " is denied");
            }
            // the first value of its kind after a start loads its classes; that is the server's cost, not the value's
            long since = ReadBudget.now();
            try {
                return Class.forName(desc.getName(), false, appLoader);
            } catch (ClassNotFoundException e) {
                if (sealed && RuntimeStateSeal.isRuntimeState(desc.getName())) {
                    return runtimeClass(desc.getName(), e);
                }
                return super.resolveClass(desc);
            } finally {
                budget.notCounting(since);
            }
        }

        /**
         * No proxy is a session value; refused before the proxy class is defined. Inside a sealed
         * value, an annotation instance is read: the proxy of one annotation type.
         */
        @Override
        @SuppressWarnings("deprecation") // getProxyClass: the class alone, as the stream asks; no instance is made here
        protected Class<?> resolveProxyClass(String[] interfaces) throws IOException, ClassNotFoundException {
            if (sealed && interfaces.length == 1 && !SerializationAllowlist.isDenied(interfaces[0], true)) {
                long since = ReadBudget.now();
                try {
                    Class<?> type;
                    try {
                        type = Class.forName(interfaces[0], false, appLoader);
                    } catch (ClassNotFoundException e) {
                        type = runtimeClass(interfaces[0], e);
                    }
                    if (type.isAnnotation()) {
                        return Proxy.getProxyClass(type.getClassLoader(), type);
                    }
                } finally {
                    budget.notCounting(since);
                }
            }
            throw new InvalidClassException("a proxy for " + String.join(", ", interfaces) + " is denied");
        }
    }
}
