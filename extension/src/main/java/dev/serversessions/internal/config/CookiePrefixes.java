package dev.serversessions.internal.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The cookie name prefixes of RFC 6265bis: a browser drops a {@code __Secure-} cookie that is not
 * Secure, and a {@code __Host-} cookie that is not Secure, has a Domain, or a Path other than /.
 * Dropped silently, on every response: the application would run without sessions and no log
 * would say why, so the mismatch fails the deployment instead.
 */
final class CookiePrefixes {
    private static final String HOST = "__host-";
    private static final String SECURE = "__secure-";

    private CookiePrefixes() {
    }

    static List<String> problems(String name, boolean secure, Optional<String> path, Optional<String> domain) {
        // browsers match the prefixes without regard to case (RFC 6265bis, since 2024): __HOST- is one too
        String lower = name.toLowerCase(Locale.ROOT);
        boolean host = lower.startsWith(HOST);
        if (!host && !lower.startsWith(SECURE)) {
            return List.of();
        }
        String named = SessionSettings.COOKIE_NAME + "=" + name;
        String prefix = name.substring(0, host ? HOST.length() : SECURE.length());
        List<String> problems = new ArrayList<>();
        if (!secure) {
            problems.add(named + " needs " + SessionSettings.COOKIE_SECURE + "=true: browsers drop " + prefix
                    + " cookies that are not Secure");
        }
        if (host && !path.equals(Optional.of("/"))) {
            problems.add(named + " needs " + SessionSettings.COOKIE_PATH + "=/ (it is "
                    + path.orElse("unset, so the application's context path") + "): browsers drop " + prefix
                    + " cookies whose Path is not /");
        }
        if (host && domain.isPresent()) {
            problems.add(named + " cannot have " + SessionSettings.COOKIE_DOMAIN + "=" + domain.get() + ": browsers drop "
                    + prefix + " cookies that name a Domain; remove " + SessionSettings.COOKIE_DOMAIN);
        }
        return problems;
    }
}
