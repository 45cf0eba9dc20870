package dev.serversessions.internal.security;

import java.lang.reflect.Method;
import java.security.Principal;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.auth.Subject;

/**
 * The groups the runtime's realm gives a user whose password a {@code PasswordValidationCallback}
 * has just accepted: Jakarta Authentication says how to ask whether a password is right, not how
 * to learn the user's groups, so each runtime answers in its own way.
 *
 * <ul>
 * <li>GlassFish and Payara put them into the client subject, as principals of class
 * {@code org.glassfish.security.common.Group}.</li>
 * <li>WildFly's Elytron puts nothing there; its security domain, the one the application runs in
 * ({@code SecurityDomain.getCurrent()}, an API WildFly gives every deployment), names the
 * user's roles after its own role mapping (e.g. {@code application-roles.properties}).</li>
 * </ul>
 */
final class RealmGroups {
    private static final Logger LOG = Logger.getLogger(RealmGroups.class.getName());
    private static final String ELYTRON_DOMAIN = "org.wildfly.security.auth.server.SecurityDomain";
    private static final String ELYTRON_EVIDENCE = "org.wildfly.security.evidence.Evidence";
    private static final String ELYTRON_PASSWORD = "org.wildfly.security.evidence.PasswordGuessEvidence";

    private RealmGroups() {
    }

    static Set<String> of(Subject client, String name, char[] password) {
        Set<String> groups = new TreeSet<>();
        for (Principal principal : client.getPrincipals()) {
            if (principal.getClass().getSimpleName().contains("Group") && principal.getName() != null) {
                groups.add(principal.getName());
            }
        }
        if (groups.isEmpty()) {
            elytronRoles(name, password).ifPresent(groups::addAll);
        }
        return groups;
    }

    /** The roles Elytron's current security domain gives the user, where the runtime is WildFly. */
    private static Optional<Set<String>> elytronRoles(String name, char[] password) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            Class<?> domainType = Class.forName(ELYTRON_DOMAIN, false, loader);
            Object domain = domainType.getMethod("getCurrent").invoke(null);
            if (domain == null) {
                return Optional.empty();
            }
            Object evidence = Class.forName(ELYTRON_PASSWORD, false, loader).getConstructor(char[].class).newInstance((Object) password);
            Method authenticate = domainType.getMethod("authenticate", String.class, Class.forName(ELYTRON_EVIDENCE, false, loader));
            Object identity = authenticate.invoke(domain, name, evidence);
            Set<String> roles = new TreeSet<>();
            for (Object role : (Iterable<?>) identity.getClass().getMethod("getRoles").invoke(identity)) {
                roles.add(String.valueOf(role));
            }
            return Optional.of(roles);
        } catch (ClassNotFoundException e) {
            return Optional.empty(); // not WildFly
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "The groups of a user the realm accepted could not be read from WildFly's security domain: " + e, e);
            return Optional.empty();
        }
    }
}
