package dev.serversessions.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The public API is small on purpose: what users call or implement lives in
 * {@code dev.serversessions.api}; everything else is in {@code dev.serversessions.internal.*}, which
 * may change in any release. A new public type anywhere else, a new API type not listed here, or an
 * API signature that exposes an internal type fails this test, so growing the API is a decision.
 */
class PublicApiTest {
    private static final Set<String> API = Set.of(
            "Backend", "ChangeSet", "MalformedSessionException", "ServerSession", "ServerSessionScoped",
            "SessionBackend", "SessionConflictException", "SessionLimitException", "SessionOwnerIndex",
            "SessionStoreUnavailableException", "SessionTooLargeException", "SessionType", "StoredSession",
            "UserSession", "UserSessions");

    @Test
    void publicTypesLiveInTheApiOrInInternalPackages() throws Exception {
        List<String> misplaced = new ArrayList<>();
        for (Class<?> type : libraryClasses()) {
            String pkg = type.getPackageName();
            if (isExported(type) && !pkg.equals("dev.serversessions.api") && !pkg.startsWith("dev.serversessions.internal.")) {
                misplaced.add(type.getName());
            }
        }
        assertEquals(List.of(), misplaced, "public types outside dev.serversessions.api and dev.serversessions.internal.*");
    }

    @Test
    void theApiIsExactlyTheListedTypes() throws Exception {
        Set<String> api = new TreeSet<>();
        for (Class<?> type : libraryClasses()) {
            if (type.getPackageName().equals("dev.serversessions.api") && isExported(type) && type.getEnclosingClass() == null) {
                api.add(type.getSimpleName());
            }
        }
        assertEquals(new TreeSet<>(API), api, "a new API type is a decision: list it here and in CHANGELOG.md");
    }

    @Test
    void apiSignaturesNeverExposeInternalTypes() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : libraryClasses()) {
            if (!type.getPackageName().equals("dev.serversessions.api") || !isExported(type)) {
                continue;
            }
            List<Executable> members = new ArrayList<>();
            for (Method method : type.getDeclaredMethods()) {
                members.add(method);
            }
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                members.add(constructor);
            }
            for (Executable member : members) {
                if (!Modifier.isPublic(member.getModifiers()) && !Modifier.isProtected(member.getModifiers())) {
                    continue;
                }
                List<Type> types = new ArrayList<>(List.of(member.getGenericParameterTypes()));
                types.addAll(List.of(member.getGenericExceptionTypes()));
                if (member instanceof Method method) {
                    types.add(method.getGenericReturnType());
                }
                for (Type t : types) {
                    if (t.getTypeName().contains("dev.serversessions.internal.")) {
                        leaks.add(type.getSimpleName() + "." + member.getName() + " uses " + t.getTypeName());
                    }
                }
            }
            Type superclass = type.getGenericSuperclass();
            if (superclass != null && superclass.getTypeName().contains("dev.serversessions.internal.")) {
                leaks.add(type.getSimpleName() + " extends " + superclass.getTypeName());
            }
        }
        assertEquals(List.of(), leaks, "the API must not expose internal types");
    }

    @Test
    void theInternalPackagesAreWhereTheImplementationIs() throws Exception {
        long internal = libraryClasses().stream().filter(c -> c.getPackageName().startsWith("dev.serversessions.internal.")).count();
        assertTrue(internal > 50, "expected the implementation under dev.serversessions.internal, found " + internal + " classes");
    }

    /** Whether code outside the library can name the type: public, and every enclosing type public too. */
    private static boolean isExported(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            boolean visible = Modifier.isPublic(c.getModifiers())
                    || c.getEnclosingClass() != null && Modifier.isProtected(c.getModifiers());
            if (!visible) {
                return false;
            }
        }
        return !type.isAnonymousClass() && !type.isLocalClass() && !type.isSynthetic();
    }

    /** Every class compiled from extension/src/main, read from the directory ServerSession was loaded from. */
    private static List<Class<?>> libraryClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(ServerSession.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.endsWith("module-info") || name.endsWith("package-info")) {
                    continue;
                }
                classes.add(Class.forName(name, false, PublicApiTest.class.getClassLoader()));
            }
        }
        assertTrue(classes.size() > 50, "found only " + classes.size() + " classes under " + root);
        return classes;
    }
}
