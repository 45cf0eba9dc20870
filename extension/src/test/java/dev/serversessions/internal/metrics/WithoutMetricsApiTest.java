package dev.serversessions.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime with neither MicroProfile Metrics nor OpenTelemetry (Tomcat-like, GlassFish 7): the
 * library's own classes, loaded where those APIs do not exist, store and read sessions as
 * always, without the decorator and without loading a class that needs either API (a
 * {@code NoClassDefFoundError} would fail the test).
 */
class WithoutMetricsApiTest {
    @TempDir
    Path dir;

    @Test
    void sessionsWorkWithoutEitherApiAndNoDecoratorIsInstalled() throws Exception {
        ClassLoader withoutApis = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                // the library itself is defined again below, by the loader that cannot see the APIs
                if (name.startsWith("io.opentelemetry.") || name.startsWith("org.eclipse.microprofile.metrics.")
                        || name.startsWith("dev.serversessions.")) {
                    throw new ClassNotFoundException(name);
                }
                return super.loadClass(name, resolve);
            }
        };
        URL library = Instrumentation.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {library}, withoutApis)) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName("io.opentelemetry.api.OpenTelemetry", false, loader));
            assertThrows(ClassNotFoundException.class, () -> Class.forName(Instrumentation.MICROPROFILE_METRICS, false, loader));

            Class<?> source = loader.loadClass("dev.serversessions.internal.config.SettingsSource");
            Object settings = source.getMethod("of", Map.class).invoke(null, Map.of("SESSION_TYPE", "filesystem",
                    "SESSION_FILE_DIR", dir.resolve("store").toString()));
            Class<?> runtimeType = loader.loadClass("dev.serversessions.internal.session.SessionRuntime");
            Object runtime = runtimeType.getMethod("create", source, ClassLoader.class, Clock.class)
                    .invoke(null, settings, loader, Clock.systemUTC());
            Method open = runtimeType.getMethod("open", String.class);

            Object session = open.invoke(runtime, (Object) null);
            session.getClass().getMethod("put", String.class, Object.class).invoke(session, "a", "kept");
            Object cookie = session.getClass().getMethod("save").invoke(session);
            String id = (String) cookie.getClass().getMethod("id").invoke(cookie);
            Object next = open.invoke(runtime, id);
            assertEquals("kept", next.getClass().getMethod("get", String.class).invoke(next, "a"));

            Object backend = runtimeType.getMethod("activeBackend").invoke(runtime);
            assertEquals("dev.serversessions.internal.backend.filesystem.FileSystemSessionBackend", backend.getClass().getName(),
                    "the store's own backend, not the decorator");
            Class<?> metrics = loader.loadClass(SessionMetrics.class.getName());
            assertSame(metrics.getField("NONE").get(null), runtimeType.getMethod("metrics").invoke(runtime));
        }
    }
}
