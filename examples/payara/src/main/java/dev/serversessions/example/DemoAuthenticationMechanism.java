package dev.serversessions.example;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The example's login: credentials come only from {@code SecurityContext.authenticate} (the
 * login form and {@code POST /api/login}); a protected resource asked for without a login gets
 * 401, except the {@code /account} pages, whose login-to-continue form is {@link AccountLoginForm}. It
 * keeps nothing itself: the library stores the caller in the server session after a
 * successful login and re-establishes it on every later request, on any server.
 */
@ApplicationScoped
public class DemoAuthenticationMechanism implements HttpAuthenticationMechanism {
    @Inject
    IdentityStoreHandler identityStores;

    /** Absent on Open Liberty, whose WEB-INF/beans.xml leaves it out (see there). */
    @Inject
    Instance<AccountLoginForm> accountPages;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        Credential credential = context.getAuthParameters().getCredential();
        if (context.isAuthenticationRequest() && credential != null) {
            CredentialValidationResult result = identityStores.validate(credential);
            return result.getStatus() == CredentialValidationResult.Status.VALID
                    ? context.notifyContainerAboutLogin(result)
                    : AuthenticationStatus.SEND_FAILURE;
        }
        if (AccountLoginForm.handles(request) && accountPages.isResolvable()) {
            return accountPages.get().validateRequest(request, response, context);
        }
        if (context.isProtected()) {
            return context.responseUnauthorized();
        }
        return context.doNothing();
    }
}
