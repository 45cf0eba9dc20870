package dev.serversessions.internal.security;

import dev.serversessions.api.SessionLimitException;
import dev.serversessions.internal.session.Caller;
import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.web.AuthenticationSessions;
import jakarta.security.auth.message.AuthException;
import jakarta.security.auth.message.AuthStatus;
import jakarta.security.auth.message.MessageInfo;
import jakarta.security.auth.message.MessagePolicy;
import jakarta.security.auth.message.callback.CallerPrincipalCallback;
import jakarta.security.auth.message.callback.GroupPrincipalCallback;
import jakarta.security.auth.message.callback.PasswordValidationCallback;
import jakarta.security.auth.message.module.ServerAuthModule;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;

/**
 * The servlet FORM login (Servlet 6.0, 13.6.3) of an application's {@code web.xml}, played as the
 * container plays it, with its state in the server session instead of the container's: the
 * request saved before the login page is shown ({@link SavedFormRequest}), and the caller once
 * the login succeeded (the library's caller record, signed when {@code SESSION_SECRET_KEY} is
 * set, as for every Jakarta Security login). The user names and passwords stay the runtime's:
 * the post to {@code j_security_check} is checked by the runtime's realm through a
 * {@link PasswordValidationCallback}, and the caller is handed back to the runtime on each later
 * request by its name and groups.
 *
 * <p>Each step may be answered by another server on the store, or after a restart, and none
 * creates a container session ({@code JSESSIONID}).
 */
final class FormLoginModule implements ServerAuthModule {
    private static final Logger LOG = Logger.getLogger(FormLoginModule.class.getName());
    /** Jakarta Authentication's servlet profile: the key whose value says the resource is constrained. */
    private static final String IS_MANDATORY = "jakarta.security.auth.message.MessagePolicy.isMandatory";
    private static final String LOGIN_ACTION = "/j_security_check";
    private static final String NO_SAVED_REQUEST = "No login was started in this session, or it has expired:"
            + " open the page you wanted again.\n";

    private final FormLoginConfig config;
    private CallbackHandler handler;

    FormLoginModule(FormLoginConfig config) {
        this.config = config;
    }

    @Override
    public void initialize(MessagePolicy requestPolicy, MessagePolicy responsePolicy, CallbackHandler handler,
                           @SuppressWarnings("rawtypes") Map options) {
        this.handler = handler;
    }

    @Override
    public Class<?>[] getSupportedMessageTypes() {
        return new Class<?>[] {HttpServletRequest.class, HttpServletResponse.class};
    }

    @Override
    public AuthStatus validateRequest(MessageInfo message, Subject client, Subject service) throws AuthException {
        HttpServletRequest request = (HttpServletRequest) message.getRequestMessage();
        HttpServletResponse response = (HttpServletResponse) message.getResponseMessage();
        boolean mandatory = Boolean.parseBoolean(String.valueOf(message.getMap().get(IS_MANDATORY)));
        try {
            RequestSession session = AuthenticationSessions.of(request, response);
            if ("POST".equals(request.getMethod()) && request.getRequestURI().endsWith(LOGIN_ACTION)) {
                return logIn(session, request, response, client);
            }
            Optional<Caller> caller = Optional.empty();
            // loaded only where it may matter, as for Jakarta Security's mechanisms: an anonymous
            // request to an open page costs no store call
            if (session.requestedId() != null && (mandatory || AuthenticationSessions.mayHoldCaller(request, response))) {
                caller = session.caller();
            }
            if (caller.isPresent()) {
                establish(client, caller.get());
                return AuthStatus.SUCCESS;
            }
            if (!mandatory) {
                handle(new CallerPrincipalCallback(client, (Principal) null)); // anonymous, as the profile says
                return AuthStatus.SUCCESS;
            }
            return showLoginPage(session, request, response);
        } catch (RuntimeException e) {
            if (answeredUnavailable(e, request, response)) {
                return AuthStatus.SEND_FAILURE;
            }
            throw e;
        } catch (IOException | ServletException e) {
            throw failure("The FORM login could not answer " + request.getRequestURI(), e);
        }
    }

    /** Saves the request, and shows the login page in its place (a forward, as the container does). */
    private AuthStatus showLoginPage(RequestSession session, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        String saved = SavedFormRequest.of(request);
        if (saved.length() <= SavedFormRequest.MAX_LENGTH) {
            session.put(SavedFormRequest.ATTRIBUTE, saved);
        }
        // stored, and the cookie set, before the page commits the response (no filter runs for it)
        AuthenticationSessions.saveIfBeforeFilter(request);
        response.setHeader("Cache-Control", "no-store");
        request.getRequestDispatcher(config.loginPage()).forward(request, response);
        return AuthStatus.SEND_CONTINUE;
    }

    /**
     * The form's post: checked by the runtime's realm; on success the caller goes into the
     * session (under a new id) and the browser back to the saved request, on failure the error
     * page is shown and the saved request kept for another try.
     */
    private AuthStatus logIn(RequestSession session, HttpServletRequest request, HttpServletResponse response, Subject client)
            throws IOException, ServletException, AuthException {
        Optional<String> saved = session.requestedId() == null ? Optional.empty()
                : Optional.ofNullable(session.get(SavedFormRequest.ATTRIBUTE)).map(String::valueOf);
        if (saved.isEmpty()) {
            // a post nobody asked for (a bookmarked login page, an expired session, a forged form):
            // the container's own FORM login refuses it too; nothing is checked or stored
            answer(response, HttpServletResponse.SC_BAD_REQUEST, NO_SAVED_REQUEST);
            return AuthStatus.SEND_FAILURE;
        }
        String name = request.getParameter("j_username");
        String password = request.getParameter("j_password");
        Optional<Set<String>> groups = name == null || name.isEmpty() || password == null ? Optional.empty()
                : validate(client, name, password);
        if (groups.isEmpty()) {
            response.setHeader("Cache-Control", "no-store");
            request.getRequestDispatcher(config.errorPage()).forward(request, response);
            return AuthStatus.SEND_CONTINUE;
        }
        try {
            session.logIn(new Caller(name, groups.get()));
        } catch (SessionLimitException e) {
            LOG.info(() -> "Login refused: " + e.getMessage()); // SESSION_MAX_PER_USER with action refuse
            answer(response, HttpServletResponse.SC_FORBIDDEN, e.getMessage() + "\n");
            return AuthStatus.SEND_FAILURE;
        }
        session.remove(SavedFormRequest.ATTRIBUTE);
        AuthenticationSessions.saveIfBeforeFilter(request);
        response.sendRedirect(SavedFormRequest.redirectTarget(request.getContextPath(), saved));
        return AuthStatus.SEND_CONTINUE;
    }

    /** Asks the runtime's realm; on success, the caller's groups as the runtime gives them ({@link RealmGroups}). */
    private Optional<Set<String>> validate(Subject client, String name, String password) throws AuthException {
        char[] secret = password.toCharArray();
        PasswordValidationCallback check = new PasswordValidationCallback(client, name, secret);
        try {
            handle(check);
            return check.getResult() ? Optional.of(RealmGroups.of(client, name, secret)) : Optional.empty();
        } finally {
            check.clearPassword();
            java.util.Arrays.fill(secret, '\0');
        }
    }

    /** Hands the stored caller to the runtime, which maps its groups to the application's roles. */
    private void establish(Subject client, Caller caller) throws AuthException {
        handle(new CallerPrincipalCallback(client, caller.name()),
                new GroupPrincipalCallback(client, caller.groups().toArray(String[]::new)));
    }

    private void handle(Callback... callbacks) throws AuthException {
        try {
            handler.handle(callbacks);
        } catch (IOException | UnsupportedCallbackException e) {
            throw failure("The runtime refused a " + callbacks[0].getClass().getSimpleName(), e);
        }
    }

    private static boolean answeredUnavailable(RuntimeException e, HttpServletRequest request, HttpServletResponse response) {
        try {
            return AuthenticationSessions.answerUnavailable(e, request, response);
        } catch (IOException answerFailed) {
            e.addSuppressed(answerFailed);
            return false;
        }
    }

    private static void answer(HttpServletResponse response, int status, String text) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        response.flushBuffer();
    }

    private static AuthException failure(String message, Exception cause) {
        AuthException failure = new AuthException(message + ": " + cause);
        failure.initCause(cause);
        return failure;
    }

    @Override
    public AuthStatus secureResponse(MessageInfo message, Subject service) {
        return AuthStatus.SEND_SUCCESS;
    }

    /** The container's logout ({@code request.logout()}): the login ends with the session, on every server. */
    @Override
    public void cleanSubject(MessageInfo message, Subject subject) {
        if (message.getRequestMessage() instanceof HttpServletRequest request
                && message.getResponseMessage() instanceof HttpServletResponse response) {
            AuthenticationSessions.of(request, response).logOut();
            AuthenticationSessions.saveIfBeforeFilter(request);
        }
        if (subject != null) {
            subject.getPrincipals().clear();
        }
    }
}
