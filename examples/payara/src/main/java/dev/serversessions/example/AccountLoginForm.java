package dev.serversessions.example;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.authentication.mechanism.http.LoginToContinue;
import jakarta.security.enterprise.credential.Password;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The login of the pages under {@code /account}: Jakarta Security's login-to-continue. An
 * anonymous {@code GET /account} is redirected to the login form ({@code /account/login}) with
 * the request it asked for saved; the form's post is checked here, and the browser is sent back
 * to {@code /account}. The library keeps that saved request in the server session, so each step
 * may be answered by another server, or after a restart.
 *
 * <p>Jakarta EE 10 takes one mechanism per application ({@link DemoAuthenticationMechanism}),
 * which hands the {@code /account} pages to this one; {@code @Typed} keeps this class from being
 * a second bean of the mechanism's type. The API ({@code /api/...}) keeps its 401.
 */
@ApplicationScoped
@Typed(AccountLoginForm.class)
@LoginToContinue(loginPage = AccountLoginForm.LOGIN_PAGE, errorPage = AccountLoginForm.LOGIN_PAGE + "?error=1",
        useForwardToLogin = false)
public class AccountLoginForm implements HttpAuthenticationMechanism {
    static final String LOGIN_PAGE = "/account/login";

    @Inject
    IdentityStoreHandler identityStores;

    static boolean handles(HttpServletRequest request) {
        String path = request.getServletPath();
        return "/account".equals(path) || LOGIN_PAGE.equals(path);
    }

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        String username = request.getParameter("username");
        String password = request.getParameter("password");
        if ("POST".equals(request.getMethod()) && LOGIN_PAGE.equals(request.getServletPath())
                && username != null && password != null) {
            CredentialValidationResult result = identityStores.validate(
                    new UsernamePasswordCredential(username, new Password(password)));
            return result.getStatus() == CredentialValidationResult.Status.VALID
                    ? context.notifyContainerAboutLogin(result)
                    : AuthenticationStatus.SEND_FAILURE;
        }
        return context.isProtected() ? context.responseUnauthorized() : context.doNothing();
    }
}
