package dev.serversessions.internal.config;

import java.util.Locale;

/**
 * How many live sessions one user may have ({@code SESSION_MAX_PER_USER}, 0 = no limit), and
 * what a login beyond it does ({@code SESSION_MAX_PER_USER_ACTION}).
 */
public record UserSessionLimit(int max, Action action) {
    public static final String MAX_PER_USER = "SESSION_MAX_PER_USER";
    public static final String ACTION = "SESSION_MAX_PER_USER_ACTION";

    public enum Action {
        /** The new login is kept; the user's least recently used sessions are revoked. */
        REVOKE_OLDEST,
        /** The new login is refused while the user has as many sessions as allowed. */
        REFUSE;

        String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static final UserSessionLimit NONE = new UserSessionLimit(0, Action.REVOKE_OLDEST);

    /** Reads both keys; problems are collected in {@code values}. */
    public static UserSessionLimit read(ConfigValues values) {
        long max = values.number(MAX_PER_USER, 0, 0);
        if (max > 100_000) {
            values.problem(MAX_PER_USER, String.valueOf(max), "must be a number of sessions from 0 (no limit) to 100000");
            max = 0;
        }
        Action action = values.choice(ACTION, Action.REVOKE_OLDEST, Action.class, Action::configName);
        return new UserSessionLimit((int) max, action);
    }

    public boolean isLimited() {
        return max > 0;
    }
}
