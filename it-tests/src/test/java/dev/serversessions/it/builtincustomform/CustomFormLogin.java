package dev.serversessions.it.builtincustomform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.CustomFormAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.LoginToContinue;

/**
 * Jakarta Security's built-in custom-form mechanism, as its users declare it: the application's
 * own login page ({@link LoginPage}) hands the credentials to {@code SecurityContext.authenticate}.
 */
@CustomFormAuthenticationMechanismDefinition(loginToContinue = @LoginToContinue(loginPage = "/custom-login",
        errorPage = "", useForwardToLogin = false))
@ApplicationScoped
public class CustomFormLogin {
}
