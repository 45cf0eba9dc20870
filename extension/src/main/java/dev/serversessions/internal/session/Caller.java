package dev.serversessions.internal.session;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The authenticated caller of a session: a name and its groups, nothing else.
 *
 * <p>It is stored as a plain list of strings ({@code ["caller/1", name, mac, group...]}), never a
 * {@code Subject} or a runtime's principal class, so that the json codec and another runtime
 * read it. With {@code SESSION_SECRET_KEY} set, {@code mac} is an HMAC-SHA256 over the session
 * id, the name and the groups ({@link RecordSigner}): whoever can write the store but does not
 * know the key can neither forge a record nor copy a valid one into another session. Binding to
 * the id means the record is signed again whenever the id changes (regenerate); see
 * {@link RequestSession}.
 */
public record Caller(String name, Set<String> groups) {
    static final String VERSION = "caller/1";

    public Caller {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a caller has a name");
        }
        groups = Collections.unmodifiableSortedSet(new TreeSet<>(groups)); // sorted: one signed form
    }

    /** A record that passed its check, and whether a fallback key signed it (it is then signed again with the current one). */
    record Checked(Caller caller, boolean byFallback) {
    }

    /** The stored form, signed for session {@code id} with the current key, if any. */
    List<String> toStored(String id, RecordSigner signer) {
        List<String> stored = new ArrayList<>(3 + groups.size());
        stored.add(VERSION);
        stored.add(name);
        stored.add(signer.sign(signed(id, name, groups)));
        stored.addAll(groups);
        return stored;
    }

    /**
     * The caller a stored value describes, if it has the shape of a record and, with a key set,
     * carries a valid MAC for session {@code id} under the current key or a fallback.
     */
    static Optional<Caller> fromStored(Object value, String id, RecordSigner signer) {
        return check(value, id, signer).map(Checked::caller);
    }

    /** As {@link #fromStored}, also saying whether a fallback key signed the record. */
    static Optional<Checked> check(Object value, String id, RecordSigner signer) {
        if (!(value instanceof List<?> list) || list.size() < 3 || !VERSION.equals(list.get(0))
                || !list.stream().allMatch(String.class::isInstance)) {
            return Optional.empty();
        }
        String name = (String) list.get(1);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        SortedSet<String> groups = new TreeSet<>();
        list.subList(3, list.size()).forEach(g -> groups.add((String) g));
        if (groups.size() != list.size() - 3) {
            return Optional.empty(); // duplicates: not written by toStored
        }
        if (signer.signs() && id == null) {
            return Optional.empty();
        }
        RecordSigner.Check check = signer.check((String) list.get(2), signed(id, name, groups));
        if (check == RecordSigner.Check.FAILED) {
            return Optional.empty();
        }
        return Optional.of(new Checked(new Caller(name, groups), check == RecordSigner.Check.FALLBACK));
    }

    /** What the MAC covers: the record's version, the session id, the name and the groups. */
    private static List<String> signed(String id, String name, Set<String> groups) {
        List<String> parts = new ArrayList<>(3 + groups.size());
        parts.add(VERSION);
        parts.add(String.valueOf(id));
        parts.add(name);
        parts.addAll(groups);
        return parts;
    }
}
