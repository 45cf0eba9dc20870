package dev.serversessions.it.builtin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Set;

/** The example's two demo users, for the built-in mechanism's WAR. */
@ApplicationScoped
public class Users implements IdentityStore {
    public CredentialValidationResult validate(UsernamePasswordCredential credential) {
        if (credential.compareTo("alice", "alice-secret")) {
            return new CredentialValidationResult("alice", Set.of("admin", "user"));
        }
        if (credential.compareTo("bob", "bob-secret")) {
            return new CredentialValidationResult("bob", Set.of("user"));
        }
        return CredentialValidationResult.INVALID_RESULT;
    }
}
