package dev.serversessions.it.deployment;

import dev.serversessions.it.deployment.app.AppConfigSource;
import dev.serversessions.it.deployment.app.Note;
import dev.serversessions.it.deployment.nocdi.HttpSessionOnlyServlet;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The special applications the deployment tests need, each with the library jar as a user adds
 * it: one jar in {@code WEB-INF/lib}. Where the sessions are stored comes from the servers'
 * {@code SESSION_*} system properties (arquillian.xml).
 */
final class Archives {
    private static final String PERSISTENCE_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <persistence xmlns="https://jakarta.ee/xml/ns/persistence" version="3.0">
              <!-- no data source named: the runtime's default one (ExampleDS, H2, on WildFly) -->
              <persistence-unit name="notes" transaction-type="JTA">
                <class>dev.serversessions.it.deployment.app.Note</class>
                <exclude-unlisted-classes>true</exclude-unlisted-classes>
                <properties>
                  <property name="jakarta.persistence.schema-generation.database.action" value="drop-and-create"/>
                </properties>
              </persistence-unit>
            </persistence>
            """;

    private Archives() {
    }

    /** A WAR with no beans.xml and no bean-defining annotation: CDI does not run for it. */
    static WebArchive withoutCdi(String name) {
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .addClass(HttpSessionOnlyServlet.class)
                .addClass(dev.serversessions.it.deployment.nocdi.InjectionProbeServlet.class)
                .addAsLibrary(dev.serversessions.it.support.LibraryJar.archive());
    }

    /**
     * A typical application: CDI beans (found by their annotations, no beans.xml), a servlet, a
     * JAX-RS resource, its own persistence unit on the default data source and its own
     * MicroProfile Config source.
     */
    static WebArchive application(String name) {
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .addPackage(Note.class.getPackage())
                .addAsResource(new StringAsset(PERSISTENCE_XML), "META-INF/persistence.xml")
                .addAsServiceProvider(ConfigSource.class, AppConfigSource.class)
                .addAsLibrary(dev.serversessions.it.support.LibraryJar.archive());
    }
}
