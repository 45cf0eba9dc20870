package dev.serversessions.internal.cdi;

/**
 * What {@link ServerSessionExtension} asks of the library's Jakarta Security extension
 * ({@code LoginExtension}), without naming any of Jakarta Security's classes: whether the
 * application has an authentication mechanism, i.e. whether its logins go into the store.
 */
public interface MechanismPresence {
    boolean mechanismFound();
}
