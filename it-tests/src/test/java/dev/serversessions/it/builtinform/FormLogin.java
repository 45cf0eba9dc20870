package dev.serversessions.it.builtinform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.FormAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.LoginToContinue;

/**
 * Jakarta Security's built-in FORM mechanism, as its users declare it: the login page posts to
 * {@code j_security_check}; the login page is reached by a redirect, so each step is a request of
 * its own that another server may answer.
 */
@FormAuthenticationMechanismDefinition(loginToContinue = @LoginToContinue(loginPage = "/login.html",
        errorPage = "/login-error.html", useForwardToLogin = false))
@ApplicationScoped
public class FormLogin {
}
