package dev.serversessions.example;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;

/**
 * The example's two demo users, as a Jakarta Security identity store: {@code alice} /
 * {@code alice-secret} in groups {@code admin} and {@code user}, {@code bob} / {@code bob-secret}
 * in group {@code user}. A real application keeps hashed passwords in a database or LDAP
 * ({@code @DatabaseIdentityStoreDefinition}, {@code @LdapIdentityStoreDefinition}).
 */
@ApplicationScoped
public class DemoIdentityStore implements IdentityStore {
    private record User(String password, Set<String> groups) {
    }

    private static final Map<String, User> USERS = Map.of(
            "alice", new User("alice-secret", Set.of("admin", "user")),
            "bob", new User("bob-secret", Set.of("user")));

    public CredentialValidationResult validate(UsernamePasswordCredential credential) {
        User user = USERS.get(credential.getCaller());
        if (user == null || !MessageDigest.isEqual(user.password().getBytes(StandardCharsets.UTF_8),
                credential.getPasswordAsString().getBytes(StandardCharsets.UTF_8))) {
            return CredentialValidationResult.INVALID_RESULT;
        }
        return new CredentialValidationResult(credential.getCaller(), user.groups());
    }
}
