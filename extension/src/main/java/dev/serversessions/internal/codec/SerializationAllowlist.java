package dev.serversessions.internal.codec;

import java.util.List;
import java.util.Set;

/**
 * The classes {@code SESSION_SERIALIZATION_FORMAT=java} reads without being told: the value types
 * applications keep in sessions, and nothing that opens a port, connects, looks up a name, calls
 * a method by name or deserializes further bytes. Denials win over every allowlist, the
 * application's {@code SESSION_SERIALIZATION_ALLOWLIST} included, so that {@code java.**} there
 * cannot reopen {@code java.rmi}.
 */
final class SerializationAllowlist {
    /** Packages (and their subpackages) and classes never read, whatever is configured. */
    private static final List<String> DENIED_PREFIXES = List.of(
            "java.rmi.", "java.net.", "java.lang.invoke.", "java.lang.reflect.", "java.beans.", "java.security.",
            "java.io.", "java.sql.", "java.util.logging.", "java.util.prefs.", "java.util.jar.", "java.util.zip.",
            "javax.management.", "javax.naming.", "javax.script.", "javax.rmi.", "javax.crypto.", "javax.security.",
            "javax.sql.", "javax.xml.", "javax.swing.", "java.awt.",
            "sun.", "com.sun.", "jdk.", "org.omg.",
            // well-known gadget libraries, in case an application allowlists a whole namespace
            "org.apache.commons.collections.functors.", "org.apache.commons.collections4.functors.",
            "org.apache.commons.beanutils.", "org.codehaus.groovy.runtime.", "org.springframework.beans.factory.",
            "org.springframework.aop.", "com.mchange.v2.c3p0.", "org.apache.xalan.", "bsh.", "clojure.",
            "org.mozilla.javascript.", "org.hibernate.engine.spi.", "org.jboss.interceptor.", "net.sf.json.");

    private static final Set<String> JAVA_LANG = Set.of(
            "java.lang.Boolean", "java.lang.Byte", "java.lang.Character", "java.lang.Short", "java.lang.Integer",
            "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.Number", "java.lang.String",
            "java.lang.Enum", "java.lang.StringBuilder", "java.lang.StringBuffer",
            // only ever seen as array components (Object[]; the tables HashMap checks before allocating)
            "java.lang.Object");

    private static final Set<String> JAVA_UTIL = Set.of(
            "java.util.ArrayList", "java.util.LinkedList", "java.util.Vector", "java.util.Stack",
            "java.util.Map$Entry", "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.Hashtable",
            "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet",
            "java.util.ArrayDeque", "java.util.PriorityQueue",
            "java.util.EnumMap", "java.util.EnumSet", "java.util.EnumSet$SerializationProxy",
            "java.util.RegularEnumSet", "java.util.JumboEnumSet",
            "java.util.CollSer", "java.util.Arrays$ArrayList", "java.util.Collections$CopiesList",
            "java.util.Collections$ReverseComparator", "java.util.Collections$ReverseComparator2",
            "java.util.AbstractMap$SimpleEntry", "java.util.AbstractMap$SimpleImmutableEntry",
            "java.util.UUID", "java.util.Date", "java.util.Locale", "java.util.Currency", "java.util.BitSet",
            "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentHashMap$Segment",
            "java.util.concurrent.locks.ReentrantLock", "java.util.concurrent.locks.ReentrantLock$Sync",
            "java.util.concurrent.locks.ReentrantLock$NonfairSync",
            "java.util.concurrent.locks.AbstractQueuedSynchronizer",
            "java.util.concurrent.locks.AbstractOwnableSynchronizer",
            "java.util.concurrent.ConcurrentSkipListMap", "java.util.concurrent.ConcurrentSkipListSet",
            "java.util.concurrent.CopyOnWriteArrayList", "java.util.concurrent.CopyOnWriteArraySet",
            "java.util.concurrent.ConcurrentLinkedQueue", "java.util.concurrent.ConcurrentLinkedDeque",
            "java.util.concurrent.atomic.AtomicBoolean", "java.util.concurrent.atomic.AtomicInteger",
            "java.util.concurrent.atomic.AtomicLong");

    /** Nested classes of java.util's wrappers and immutable collections, by prefix. */
    private static final List<String> JAVA_UTIL_NESTED = List.of(
            "java.util.ImmutableCollections$", "java.util.Collections$Unmodifiable",
            "java.util.Collections$Synchronized", "java.util.Collections$Empty", "java.util.Collections$Singleton");

    private SerializationAllowlist() {
    }

    /**
     * Denied classes read inside a sealed value of the runtime's state ({@link RuntimeStateSeal}),
     * because the runtime keeps them in the session:
     * <ul>
     * <li>{@code SerializedLambda}, the form of a serializable lambda (MyFaces' flow and client
     * window holders keep one, their {@code LRULinkedHashMap}'s callback). Its {@code readResolve}
     * calls {@code $deserializeLambda$} of the class that declared the lambda, which rebuilds only
     * that class's own lambdas; that class is named in the stream and passes the filter as any.
     * <li>{@code Proxy} and {@code AnnotationInvocationHandler}, an annotation instance (Weld keeps
     * an injection point's qualifiers so: MyFaces' flow holder injects
     * {@code @Initialized(FlowScoped.class) Event<Flow>}). Only the proxy of one annotation type is
     * read; the handler's {@code readObject} accepts nothing but an annotation type and copies its
     * member values into a map of its own, checked against the type.
     * </ul>
     */
    static final Set<String> SEALED_RUNTIME_CLASSES = Set.of("java.lang.invoke.SerializedLambda",
            "java.lang.reflect.Proxy", "sun.reflect.annotation.AnnotationInvocationHandler");

    /**
     * Whether a class is denied, inside a value sealed as runtime state ({@link RuntimeStateSeal})
     * or not: there, Faces' own {@code com.sun.faces} is not (the rest of {@code com.sun} still is),
     * nor {@link #SEALED_RUNTIME_CLASSES}.
     */
    static boolean isDenied(String name, boolean sealedRuntimeState) {
        String element = element(name);
        return element != null
                && !(sealedRuntimeState && (element.startsWith("com.sun.faces.") || SEALED_RUNTIME_CLASSES.contains(element)))
                && isDeniedElement(element);
    }

    /** @param name a class name, or an array's binary name such as {@code [Ljava.net.URL;} */
    static boolean isDenied(String name) {
        String element = element(name);
        return element != null && isDeniedElement(element);
    }

    /** The class an array's binary name holds ({@code [[Ljava.net.URL;}: {@code java.net.URL}), null for a primitive array. */
    private static String element(String name) {
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0) {
            return name;
        }
        return name.startsWith("L", dims) && name.endsWith(";") ? name.substring(dims + 1, name.length() - 1) : null;
    }

    private static boolean isDeniedElement(String element) {
        if (element.startsWith("$Proxy") || element.contains(".$Proxy")) {
            return true;
        }
        for (String prefix : DENIED_PREFIXES) {
            if (element.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** @param type a class that is not an array and not denied */
    static boolean isAllowed(Class<?> type) {
        String name = type.getName();
        if (JAVA_LANG.contains(name) || JAVA_UTIL.contains(name)
                || name.startsWith("java.time.") || name.equals("java.math.BigInteger")
                || name.equals("java.math.BigDecimal") || name.equals("java.math.MathContext")) {
            return true;
        }
        for (String prefix : JAVA_UTIL_NESTED) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        // Constants are read by name (Enum.valueOf); no enum's own code runs on the bytes.
        return type.isEnum() || (type.getSuperclass() != null && type.getSuperclass().isEnum());
    }
}
