package dev.serversessions.it.builtin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.BasicAuthenticationMechanismDefinition;

/** Jakarta Security's built-in BASIC mechanism: a bean the implementation (Soteria) builds itself. */
@BasicAuthenticationMechanismDefinition(realmName = "built-in")
@ApplicationScoped
public class BasicLogin {
}
