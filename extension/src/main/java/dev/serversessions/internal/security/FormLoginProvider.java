package dev.serversessions.internal.security;

import jakarta.security.auth.message.AuthException;
import jakarta.security.auth.message.AuthStatus;
import jakarta.security.auth.message.MessageInfo;
import jakarta.security.auth.message.config.AuthConfigProvider;
import jakarta.security.auth.message.config.ClientAuthConfig;
import jakarta.security.auth.message.config.ServerAuthConfig;
import jakarta.security.auth.message.config.ServerAuthContext;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;

/**
 * The Jakarta Authentication provider through which the runtime reaches {@link FormLoginModule}:
 * one server configuration for the application's context, one context holding one module, as
 * Jakarta Security's implementations register theirs. Nothing here but the plumbing the
 * specification asks for.
 */
final class FormLoginProvider implements AuthConfigProvider {
    private final FormLoginConfig config;

    FormLoginProvider(FormLoginConfig config) {
        this.config = config;
    }

    @Override
    public ServerAuthConfig getServerAuthConfig(String layer, String appContext, CallbackHandler handler) {
        return new Config(layer, appContext, handler, config);
    }

    @Override
    public ClientAuthConfig getClientAuthConfig(String layer, String appContext, CallbackHandler handler) {
        return null; // a server module only
    }

    @Override
    public void refresh() {
    }

    private record Config(String layer, String appContext, CallbackHandler handler, FormLoginConfig form)
            implements ServerAuthConfig {
        @Override
        public ServerAuthContext getAuthContext(String authContextID, Subject serviceSubject,
                                                @SuppressWarnings("rawtypes") Map properties) throws AuthException {
            FormLoginModule module = new FormLoginModule(form);
            module.initialize(null, null, handler, properties);
            return new Context(module);
        }

        @Override
        public String getMessageLayer() {
            return layer;
        }

        @Override
        public String getAppContext() {
            return appContext;
        }

        @Override
        public String getAuthContextID(MessageInfo messageInfo) {
            return appContext;
        }

        @Override
        public void refresh() {
        }

        @Override
        public boolean isProtected() {
            return false;
        }
    }

    private record Context(FormLoginModule module) implements ServerAuthContext {
        @Override
        public AuthStatus validateRequest(MessageInfo message, Subject client, Subject service) throws AuthException {
            return module.validateRequest(message, client, service);
        }

        @Override
        public AuthStatus secureResponse(MessageInfo message, Subject service) {
            return module.secureResponse(message, service);
        }

        @Override
        public void cleanSubject(MessageInfo message, Subject subject) {
            module.cleanSubject(message, subject);
        }
    }
}
