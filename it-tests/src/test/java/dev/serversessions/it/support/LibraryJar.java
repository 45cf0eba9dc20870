package dev.serversessions.it.support;

import dev.serversessions.api.ServerSession;
import java.io.File;
import java.net.URISyntaxException;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;

/** The library as the build made it, for the WARs tests build themselves: its jar, or its classes directory packed as one. */
public final class LibraryJar {
    private LibraryJar() {
    }

    public static JavaArchive archive() {
        File location;
        try {
            location = new File(ServerSession.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return location.isFile() ? ShrinkWrap.createFromZipFile(JavaArchive.class, location)
                : ShrinkWrap.create(ExplodedImporter.class, "server-sessions.jar").importDirectory(location).as(JavaArchive.class);
    }
}
