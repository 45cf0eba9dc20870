package dev.serversessions.internal.session;

import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionLimitException;
import dev.serversessions.api.SessionOwnerIndex;
import dev.serversessions.api.StoredSession;
import dev.serversessions.api.UserSession;
import dev.serversessions.api.UserSessions;
import dev.serversessions.internal.codec.UndecodableAttributeException;
import dev.serversessions.internal.config.UserSessionLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * {@link UserSessions} on the application's store, and the bookkeeping {@link RequestSession}
 * asks of it when a session gains, changes or loses its owner.
 *
 * <p>The store's {@link SessionOwnerIndex} says which sessions may be a user's; each is then
 * read (a pure read, no slide) to check that it still lives and still names that owner. An
 * entry that fails the check is removed from the index there and then, so the index does not
 * keep what a listing has seen dead. Everything here is on private ids ({@link SessionIds#privateId}),
 * which is all the index holds: the ids clients send never reach the store.
 */
public final class StoreUserSessions implements UserSessions {
    private static final Logger LOG = Logger.getLogger(StoreUserSessions.class.getName());

    private final SessionRuntime runtime;

    StoreUserSessions(SessionRuntime runtime) {
        this.runtime = runtime;
    }

    /** A listed session with its private id (what the index holds), which never leaves this class. */
    private record Live(String id, UserSession info) {
    }

    /** The tag {@link UserSession#tag} shows for a private id: its log tag without the '#'. */
    static String tag(String privateId) {
        return SessionIds.privateLogTag(privateId).substring(1);
    }

    @Override
    public Optional<String> currentOwner() {
        RequestSession current = CurrentSession.find();
        return current == null ? Optional.empty() : Optional.ofNullable(current.owner());
    }

    @Override
    public List<UserSession> list(String owner) {
        return live(owner).stream().map(Live::info).toList();
    }

    @Override
    public List<UserSession> listMine() {
        return currentOwner().map(this::list).orElse(List.of());
    }

    @Override
    public boolean revoke(String owner, String tag) {
        if (owner == null || tag == null) {
            return false;
        }
        for (Live session : live(owner)) {
            if (session.info().tag().equals(tag)) {
                revokeId(owner, session.id());
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean revokeMine(String tag) {
        return currentOwner().map(owner -> revoke(owner, tag)).orElse(false);
    }

    @Override
    public int revokeAll(String owner) {
        List<Live> sessions = live(owner);
        sessions.forEach(s -> revokeId(owner, s.id()));
        return sessions.size();
    }

    @Override
    public int revokeAllMine() {
        return currentOwner().map(this::revokeAll).orElse(0);
    }

    @Override
    public int revokeOthers() {
        Optional<String> owner = currentOwner();
        if (owner.isEmpty()) {
            return 0;
        }
        int revoked = 0;
        for (Live session : live(owner.get())) {
            if (!session.info().current()) {
                revokeId(owner.get(), session.id());
                revoked++;
            }
        }
        return revoked;
    }

    /**
     * Deletes the session in the store, so that the next request on any server finds none; a
     * request of another server that is still running on it cannot store it again (its save
     * finds it gone, as after an invalidate). The current request's own session is invalidated
     * instead, so that its response expires the cookie.
     */
    private void revokeId(String owner, String id) {
        RequestSession current = CurrentSession.find();
        if (current != null && id.equals(privateIdOf(current.storedIdIfLoaded()))) {
            current.invalidate();
            return;
        }
        runtime.activeBackend().delete(id);
        runtime.retiredIds().deleted(id);
        index().remove(owner, id);
        LOG.fine(() -> "Session " + SessionIds.privateLogTag(id) + " revoked");
    }

    /** {@code owner}'s live sessions, least recently used first; dead index entries are removed. */
    private List<Live> live(String owner) {
        Objects.requireNonNull(owner, "owner");
        SessionOwnerIndex index = index();
        SessionBackend backend = runtime.activeBackend();
        RequestSession current = CurrentSession.find();
        String currentId = current == null ? null : privateIdOf(current.storedIdIfLoaded());
        Instant now = runtime.clock().instant();
        List<Live> sessions = new ArrayList<>();
        Set<String> ids = index.ids(owner);
        Map<String, StoredSession> loaded = backend.loadAll(ids); // in few round trips where the store can
        for (String id : ids) {
            StoredSession s = loaded.get(id);
            if (s == null || !owner.equals(ownerOf(id, s))) {
                index.remove(owner, id); // ended, or given to someone else since it was indexed
                continue;
            }
            Instant lastAccess = SessionExpiry.lastAccess(s.created(), s.expires(), lifetimeOf(s), now);
            sessions.add(new Live(id, new UserSession(tag(id), s.created(), lastAccess, s.expires(), id.equals(currentId))));
        }
        sessions.sort(Comparator.comparing((Live l) -> l.info().lastAccess()));
        return sessions;
    }

    private static String privateIdOf(String storedId) {
        return storedId == null ? null : SessionIds.privateId(storedId);
    }

    /** The owner session {@code id} holds, if its value passes its check for that id. */
    private String ownerOf(String id, StoredSession session) {
        byte[] bytes = session.attributes().get(AttributeNames.OWNER);
        if (bytes == null) {
            return null;
        }
        try {
            return SessionOwner.ownerName(runtime.codec().decode(AttributeNames.OWNER, bytes), id, runtime.recordSigner());
        } catch (UndecodableAttributeException e) {
            return null;
        }
    }

    private Duration lifetimeOf(StoredSession session) {
        byte[] bytes = session.attributes().get(AttributeNames.MAX_INACTIVE);
        if (bytes != null) {
            try {
                if (runtime.codec().decode(AttributeNames.MAX_INACTIVE, bytes) instanceof Number n && n.intValue() > 0) {
                    return Duration.ofSeconds(n.intValue());
                }
            } catch (UndecodableAttributeException e) {
                // the default lifetime then: lastAccess is an estimate anyway
            }
        }
        return runtime.settings().lifetime();
    }

    SessionOwnerIndex index() {
        SessionBackend backend = runtime.activeBackend();
        return backend.ownerIndex().orElseThrow(() -> new UnsupportedOperationException(
                "The session store " + backend.describe() + " keeps no index of sessions by owner (SessionBackend.ownerIndex()): "
                        + "listing or revoking a user's sessions needs one of the library's backends"));
    }

    /** Takes a session (its private id) off its owner's index, where the store keeps one. */
    void unindex(String owner, String id) {
        runtime.activeBackend().ownerIndex().ifPresent(index -> index.remove(owner, id));
    }

    /** Whether the store keeps an index at all (an application's own backend may not). */
    boolean indexed() {
        return runtime.activeBackend().ownerIndex().isPresent();
    }

    /**
     * Refuses a new session to {@code owner} when it already has {@code SESSION_MAX_PER_USER}
     * and the action is {@code refuse}; {@code currentId} (the private id of the session being
     * given) is not counted.
     */
    void refuseIfFull(String owner, String currentId) {
        UserSessionLimit limit = runtime.userSessionLimit();
        if (!limit.isLimited() || limit.action() != UserSessionLimit.Action.REFUSE || !indexed()) {
            return;
        }
        long others = live(owner).stream().filter(s -> !s.id().equals(currentId)).count();
        if (others >= limit.max()) {
            throw new SessionLimitException("This user already has " + others + " sessions, the most "
                    + UserSessionLimit.MAX_PER_USER + "=" + limit.max() + " allows (" + UserSessionLimit.ACTION
                    + "=refuse): log out of another session first, or set " + UserSessionLimit.ACTION + "=revoke-oldest");
        }
    }

    /**
     * After {@code owner} gained session {@code currentId} (a private id): revokes their least recently used
     * sessions beyond {@code SESSION_MAX_PER_USER} (action {@code revoke-oldest}), never the
     * current one. Every login keeps the same {@code max} most recent sessions (by last access,
     * then tag), not "itself and the others' newest": so concurrent logins that see one another
     * agree on what to keep, and together leave exactly {@code max} rather than revoking more.
     */
    void revokeBeyondLimit(String owner, String currentId) {
        UserSessionLimit limit = runtime.userSessionLimit();
        if (!limit.isLimited() || limit.action() != UserSessionLimit.Action.REVOKE_OLDEST) {
            return;
        }
        List<Live> all = new ArrayList<>(live(owner));
        if (all.stream().noneMatch(s -> s.id().equals(currentId))) {
            // not listed yet (a store whose index lags): it is the newest
            all.add(new Live(currentId, new UserSession(tag(currentId), Instant.MAX, Instant.MAX, Instant.MAX, true)));
        }
        all.sort(Comparator.comparing((Live l) -> l.info().lastAccess()).thenComparing(l -> l.info().tag()));
        for (int i = 0; i < all.size() - limit.max(); i++) {
            if (!all.get(i).id().equals(currentId)) {
                revokeId(owner, all.get(i).id());
            }
        }
    }
}
