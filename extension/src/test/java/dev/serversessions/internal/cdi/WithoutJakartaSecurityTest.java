package dev.serversessions.internal.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serversessions.api.ServerSession;
import dev.serversessions.internal.security.LoginExtension;
import dev.serversessions.internal.session.SessionRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the application sees no Jakarta Security (Open Liberty without {@code appSecurity}), the
 * library must work all the same: only its Jakarta Security extension ({@code LoginExtension})
 * may fail to load, and Weld then ignores that one alone. Weld SE, the library and this test run
 * in a class loader that has everything of this test's class path but
 * {@code jakarta.security.enterprise}.
 */
class WithoutJakartaSecurityTest {
    @TempDir
    Path dir;

    /** Run inside the loader without Jakarta Security. */
    public static class Probe implements Callable<String> {
        @ApplicationScoped
        public static class Uses {
            @Inject
            ServerSession session;
        }

        @Override
        public String call() throws Exception {
            try {
                Class.forName("jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism");
                return "Jakarta Security is visible";
            } catch (ClassNotFoundException expected) {
                // as on Liberty without appSecurity
            }
            SessionRuntime.shutdown();
            try (WeldContainer container = new Weld().disableDiscovery().addExtension(new ServerSessionExtension())
                    .addExtension(new LoginExtension()).addBeanClass(Uses.class).initialize()) {
                boolean login;
                try {
                    container.getBeanManager().getExtension(LoginExtension.class);
                    login = true;
                } catch (IllegalArgumentException notThere) {
                    login = false;
                }
                return "up, ServerSession " + (container.select(ServerSession.class).isResolvable() ? "resolvable" : "missing")
                        + ", LoginExtension " + (login ? "running" : "ignored");
            } finally {
                SessionRuntime.shutdown();
            }
        }
    }

    @Test
    void theLibraryWorksAndOnlyItsLoginExtensionIsIgnored() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                .split(File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        ClassLoader withoutSecurity = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("jakarta.security.enterprise.")) {
                    throw new ClassNotFoundException(name + " (hidden by the test)");
                }
                return super.loadClass(name, resolve);
            }
        };
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        System.setProperty("SESSION_FILE_DIR", dir.toString());
        thread.setContextClassLoader(withoutSecurity);
        try {
            Callable<?> probe = (Callable<?>) withoutSecurity.loadClass(Probe.class.getName()).getConstructor().newInstance();
            assertEquals("up, ServerSession resolvable, LoginExtension ignored", probe.call());
        } finally {
            thread.setContextClassLoader(previous);
            System.clearProperty("SESSION_FILE_DIR");
        }
    }
}
