package dev.serversessions.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.net.URL;
import java.security.CodeSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Java serialization, read back through an {@link ObjectInputFilter} allowlist: JDK classes
 * ({@code java.*}), the application's own classes ({@code WEB-INF/classes}) and the patterns of
 * {@code SESSION_SERIALIZATION_ALLOWLIST} (e.g. {@code com.example.**}). Libraries in
 * {@code WEB-INF/lib} are not allowed by default: they are where deserialization gadgets live,
 * and a store is shared with every server that can write to it.
 */
public final class JavaAttributeCodec implements AttributeCodec {
    private static final int MAX_DEPTH = 64;

    private final ClassLoader appLoader;
    private final ObjectInputFilter configured;
    private final Map<Class<?>, Boolean> appClassCache = new ConcurrentHashMap<>();

    public JavaAttributeCodec(ClassLoader appLoader, List<String> allowlist) {
        this.appLoader = appLoader;
        this.configured = allowlist.isEmpty() ? null
                : ObjectInputFilter.Config.createFilter(String.join(";", allowlist) + ";!*");
    }

    @Override
    public byte[] encode(String name, Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("Session attribute '" + name + "' cannot be stored: " + e.getMessage()
                    + " is not Serializable (SESSION_SERIALIZATION_FORMAT=java)", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("Session attribute '" + name + "' cannot be serialized: " + e, e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Object decode(String name, byte[] bytes) {
        try (ObjectInputStream in = new AppObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(this::check);
            return in.readObject();
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw new UndecodableAttributeException(name, e);
        }
    }

    private ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info) {
        if (info.depth() > MAX_DEPTH) {
            return ObjectInputFilter.Status.REJECTED;
        }
        Class<?> type = info.serialClass();
        if (type == null) {
            return ObjectInputFilter.Status.UNDECIDED;
        }
        while (type.isArray()) {
            type = type.getComponentType();
        }
        if (type.isPrimitive() || type.getName().startsWith("java.") || isApplicationClass(type)) {
            return ObjectInputFilter.Status.ALLOWED;
        }
        if (configured != null) {
            ObjectInputFilter.Status status = configured.checkInput(info);
            if (status == ObjectInputFilter.Status.ALLOWED) {
                return status;
            }
        }
        return ObjectInputFilter.Status.REJECTED;
    }

    private boolean isApplicationClass(Class<?> type) {
        return appClassCache.computeIfAbsent(type, t -> {
            CodeSource source = t.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            return location != null && location.toString().contains("/WEB-INF/classes");
        });
    }

    /** Resolves classes through the application's loader, not this library's. */
    private final class AppObjectInputStream extends ObjectInputStream {
        AppObjectInputStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, appLoader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
