package dev.serversessions.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code java} format reads back the application's own classes. A runtime that runs a WAR
 * without unpacking it (Open Liberty by default) gives those classes the archive as their code
 * source; they still count as the application's, recognised by where their class file is in the
 * archive. A class of the same archive's {@code WEB-INF/lib} does not.
 */
class PackedWarClassesTest {
    private static final String SOURCE = """
            package packed;
            public class Cart implements java.io.Serializable {
                private static final long serialVersionUID = 1L;
                public String item = "apple";
                @Override public String toString() { return "Cart(" + item + ")"; }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void aClassOfWebInfClassesInAPackedWarIsTheApplications() throws Exception {
        PackedWarLoader loader = new PackedWarLoader(war("WEB-INF/classes/"), "WEB-INF/classes/");
        JavaAttributeCodec codec = new JavaAttributeCodec(loader, List.of());
        Object cart = loader.loadClass("packed.Cart").getDeclaredConstructor().newInstance();

        assertEquals("Cart(apple)", String.valueOf(codec.decode("cart", codec.encode("cart", cart))));
    }

    @Test
    void aClassOfALibraryInThePackedWarIsNot() throws Exception {
        PackedWarLoader loader = new PackedWarLoader(war("WEB-INF/lib/shop.jar!/"), "WEB-INF/lib/shop.jar!/");
        JavaAttributeCodec codec = new JavaAttributeCodec(loader, List.of());
        Object cart = loader.loadClass("packed.Cart").getDeclaredConstructor().newInstance();

        assertThrows(IllegalArgumentException.class, () -> codec.encodeForPut("cart", cart));
    }

    /** A WAR file holding the compiled {@code packed.Cart} under {@code prefix}. */
    private Path war(String prefix) throws IOException {
        Path src = dir.resolve("src/packed/Cart.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), src.toString()));
        Path war = dir.resolve("shop.war");
        try (OutputStream out = Files.newOutputStream(war); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(prefix.replace("!/", "/") + "packed/Cart.class"));
            zip.write(Files.readAllBytes(classes.resolve("packed/Cart.class")));
            zip.closeEntry();
        }
        return war;
    }

    /**
     * A class loader as a runtime has for a packed WAR: classes from entries of the archive, the
     * archive itself as their code source, class file URLs naming the entry.
     */
    private static final class PackedWarLoader extends ClassLoader {
        private final Path war;
        private final String prefix;

        PackedWarLoader(Path war, String prefix) {
            super(PackedWarClassesTest.class.getClassLoader());
            this.war = war;
            this.prefix = prefix;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            String entry = prefix.replace("!/", "/") + name.replace('.', '/') + ".class";
            try (ZipFile zip = new ZipFile(war.toFile())) {
                ZipEntry found = zip.getEntry(entry);
                if (found == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] bytes = zip.getInputStream(found).readAllBytes();
                CodeSource source = new CodeSource(war.toUri().toURL(), (Certificate[]) null);
                return defineClass(name, bytes, 0, bytes.length, new ProtectionDomain(source, null, this, null));
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }

        @Override
        protected URL findResource(String name) {
            try {
                return new URL("jar:" + war.toUri() + "!/" + prefix + name);
            } catch (MalformedURLException e) {
                return null;
            }
        }
    }
}
