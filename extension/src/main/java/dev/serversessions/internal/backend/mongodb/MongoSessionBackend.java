package dev.serversessions.internal.backend.mongodb;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.or;
import static com.mongodb.client.model.Filters.regex;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoClientException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoServerUnavailableException;
import com.mongodb.MongoSocketClosedException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.MongoSocketWriteException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.EstimatedDocumentCountOptions;
import com.mongodb.client.model.FindOneAndDeleteOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.serversessions.api.ChangeSet;
import dev.serversessions.api.MalformedSessionException;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionOwnerIndex;
import dev.serversessions.api.SessionStoreUnavailableException;
import dev.serversessions.api.StoredSession;
import dev.serversessions.internal.backend.SessionCount;
import dev.serversessions.internal.backend.SessionKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.logging.Logger;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;

/**
 * One document per session:
 * {@code {_id: "session:<id>", created: Date, expires: Date, attributes: {<name>: BinData}}},
 * attribute names encoded by {@link FieldNames}.
 *
 * <p>Every save is one single-document operation, atomic on any MongoDB without transactions:
 * one {@code updateOne} that {@code $set}s the changed attributes and the expiry and
 * {@code $unset}s the removed ones, so concurrent requests that change different attributes
 * both survive. Its filter requires a live document and it never upserts, so a late save
 * cannot resurrect an invalidated or expired session. Reads filter on {@code expires} too: the
 * TTL monitor deletes only about once a minute (and mongo-java-server never does).
 */
final class MongoSessionBackend implements SessionBackend, SessionCount {
    private static final Logger LOG = Logger.getLogger(MongoSessionBackend.class.getName());
    private static final String ID = "_id";
    private static final String CREATED = "created";
    private static final String EXPIRES = "expires";
    private static final String ATTRIBUTES = "attributes";
    /** The user the session belongs to, plain text, indexed; absent for nobody's sessions. */
    static final String OWNER = "owner";
    /** The holder of a lock document ({@link #tryLock}). */
    private static final String TOKEN = "token";
    /** MongoDB's {@code maxBsonObjectSize}. */
    static final long MAX_DOCUMENT_BYTES = 16L * 1024 * 1024;

    private final MongoClient client;
    private final boolean ownsClient;
    private final MongoCollection<Document> sessions;
    private final String keyPrefix;
    private final Clock clock;
    /** The database's clock, for lock leases. */
    private final ServerClock serverClock;
    private final String description;
    private volatile boolean indexEnsured;
    /** Null, or how long expired sessions stay for {@link #claimExpired}: the TTL index's delay then. */
    private volatile Duration keepExpired;

    /**
     * @param ownsClient whether {@link #close()} closes the client: false for a client the
     *                   application produced
     */
    MongoSessionBackend(MongoClient client, boolean ownsClient, String database, String collection,
            String keyPrefix, Clock clock, String hosts) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.sessions = client.getDatabase(database).getCollection(collection);
        this.keyPrefix = keyPrefix;
        this.clock = clock;
        this.serverClock = new ServerClock(clock, () -> client.getDatabase("admin").runCommand(new Document("isMaster", 1)).getDate("localTime"));
        this.description = "mongodb " + hosts + " collection " + database + "." + collection;
    }

    @Override
    public Optional<StoredSession> load(String id) {
        Bson live = live(id);
        Document document = call(() -> sessions.find(live).first());
        if (document == null) {
            checkNotForeign(id);
            return Optional.empty();
        }
        return Optional.of(toStoredSession(document));
    }

    /**
     * The live filter matches only a document whose {@code expires} is a date (MongoDB does not
     * compare a date with a string), so a document of another shape under the key is never slid
     * or changed, but also looks like no session. On such a miss (an unknown or expired id,
     * rarely more) one more read of the key's {@code expires} tells a foreign document apart,
     * so that it is reported once rather than silently mistaken for an expired session.
     */
    private void checkNotForeign(String id) {
        Document other = call(() -> sessions.find(eq(ID, keyPrefix + id)).projection(new Document(EXPIRES, 1)).first());
        if (other != null && !(other.get(EXPIRES) instanceof Date)) {
            throw new MalformedSessionException("the document's " + EXPIRES + " is "
                    + (other.containsKey(EXPIRES) ? "not a date" : "missing"));
        }
    }

    /**
     * The collection's document count from its metadata, not a scan: every document in it (a
     * collection shared by several key prefixes counts them all), and sessions expired since
     * MongoDB's TTL monitor last ran (about once a minute) until it removes them.
     */
    @Override
    public long countSessions() {
        return call(() -> sessions.estimatedDocumentCount(new EstimatedDocumentCountOptions().maxTime(2, TimeUnit.SECONDS)));
    }

    /**
     * MongoDB's 16 MiB limit of one BSON document, less room for the {@code _id}, the two dates
     * and the escapes of field names ({@link FieldNames}); per attribute BSON takes a type byte,
     * the name's NUL, a length and a subtype, within what the core counts.
     */
    @Override
    public long maxSessionBytes() {
        return MAX_DOCUMENT_BYTES - 16 * 1024;
    }

    @Override
    public boolean apply(String id, ChangeSet changes) {
        if (changes.isNew()) {
            Document document = new Document(ID, keyPrefix + id)
                    .append(CREATED, Date.from(changes.created()))
                    .append(EXPIRES, Date.from(changes.expires()))
                    .append(ATTRIBUTES, attributesDocument(changes.put()));
            call(() -> create(document));
            return true;
        }
        List<Bson> updates = new ArrayList<>();
        updates.add(Updates.set(EXPIRES, Date.from(changes.expires())));
        changes.put().forEach((name, value) -> updates.add(Updates.set(ATTRIBUTES + "." + FieldNames.encode(name), new Binary(value))));
        changes.removed().forEach(name -> updates.add(Updates.unset(ATTRIBUTES + "." + FieldNames.encode(name))));
        return call(() -> sessions.updateOne(live(id), Updates.combine(updates))).getMatchedCount() > 0;
    }

    @Override
    public void delete(String id) {
        call(() -> sessions.deleteOne(eq(ID, keyPrefix + id)));
    }

    @Override
    public boolean touch(String id, Instant expires) {
        return call(() -> sessions.updateOne(live(id), Updates.set(EXPIRES, Date.from(expires)))).getMatchedCount() > 0;
    }

    /**
     * MongoDB cannot change an {@code _id}, and the test server has no transactions, so the move
     * is two operations: take the old document away ({@code findOneAndDelete}), then store it
     * under the new id. Deleting first means the old id never outlives the move (it is the id a
     * fixation attacker knows) and a concurrent save to it fails visibly instead of landing in
     * a copy about to be deleted; the price is that a store failure between the two loses the
     * session rather than duplicating it.
     */
    @Override
    public boolean changeId(String oldId, String newId) {
        Document document = call(() -> sessions.findOneAndDelete(live(oldId)));
        if (document == null) {
            return false;
        }
        document.put(ID, keyPrefix + newId);
        call(() -> create(document));
        return true;
    }

    /**
     * Deletes what has expired. Real MongoDB's TTL monitor does the same about once a minute,
     * but this backend cannot know that the index exists (creating it may have been refused, or
     * an index of other options may hold the field) and mongo-java-server never expires
     * anything, so the core's periodic purge runs as well: one indexed range delete.
     */
    @Override
    public int purgeExpired() {
        // expired sessions kept for claims stay; expired locks (the only documents with a token)
        // go all the same, by the database's clock, as they were taken
        long deleted = call(() -> {
            Bson locks = and(exists(TOKEN), lte(EXPIRES, Date.from(serverClock.now())));
            Bson sessionsToo = or(and(exists(TOKEN, false), lte(EXPIRES, Date.from(clock.instant()))), locks);
            return sessions.deleteMany(keepExpired == null ? sessionsToo : locks);
        }).getDeletedCount();
        return keepExpired == null ? (int) Math.min(deleted, Integer.MAX_VALUE) : 0;
    }

    /**
     * The TTL index then deletes a session {@code grace} after its expiry rather than at it,
     * so that the sweep finds it first; an index made earlier with no delay is changed
     * ({@code collMod}) on the first call that reaches the server.
     */
    @Override
    public boolean keepExpiredForClaims(Duration grace) {
        keepExpired = grace;
        indexEnsured = false;
        return true;
    }

    /**
     * One {@code findOneAndDelete} per session: MongoDB gives each document to exactly one of
     * the callers that ask for it at once. Lock documents ({@code token}) and other prefixes'
     * sessions ({@link SessionKeys}) are never matched.
     */
    @Override
    public Map<String, StoredSession> claimExpired(int max) {
        Bson expired = and(regex(ID, "^" + Pattern.quote(keyPrefix) + SessionKeys.ID_CHARACTERS + "$"),
                lte(EXPIRES, Date.from(clock.instant())), exists(TOKEN, false));
        FindOneAndDeleteOptions oldestFirst = new FindOneAndDeleteOptions().sort(Sorts.ascending(EXPIRES));
        Map<String, StoredSession> claimed = new LinkedHashMap<>();
        while (claimed.size() < max) {
            Document document = call(() -> sessions.findOneAndDelete(expired, oldestFirst));
            if (document == null) {
                break;
            }
            if (document.get(ID) instanceof String key && document.get(EXPIRES) instanceof Date) {
                try {
                    claimed.put(key.substring(keyPrefix.length()), toStoredSession(document));
                } catch (MalformedSessionException e) {
                    LOG.warning(() -> "An expired session document is not one this library wrote (" + e.getMessage()
                            + "); it is deleted unannounced");
                }
            }
        }
        return claimed;
    }

    @Override
    public boolean expiresEntriesItself() {
        return false;
    }

    /**
     * The index is the session document itself: an indexed {@code owner} field, set and unset
     * by single-document updates, which dies with the document (TTL monitor, purge, delete),
     * so it never holds a dead session for longer than the session itself. {@code until} is not
     * needed here.
     */
    @Override
    public Optional<SessionOwnerIndex> ownerIndex() {
        return Optional.of(new SessionOwnerIndex() {
            @Override
            public void add(String owner, String id, Instant until) {
                call(() -> sessions.updateOne(live(id), Updates.set(OWNER, owner)));
            }

            @Override
            public void remove(String owner, String id) {
                call(() -> sessions.updateOne(and(eq(ID, keyPrefix + id), eq(OWNER, owner)), Updates.unset(OWNER)));
            }

            @Override
            public Set<String> ids(String owner) {
                Set<String> ids = new LinkedHashSet<>();
                call(() -> sessions.find(and(eq(OWNER, owner), gt(EXPIRES, Date.from(clock.instant()))))
                        .projection(new Document(ID, 1)).into(new ArrayList<>()))
                        .forEach(d -> {
                            String key = String.valueOf(d.get(ID));
                            if (key.startsWith(keyPrefix)) {
                                ids.add(key.substring(keyPrefix.length()));
                            }
                        });
                return ids;
            }
        });
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    /**
     * A lock document beside the session's, {@code {_id: "<key>.lock", token, expires}}, taken
     * with one conditional upsert: it matches a lock whose lease ({@code expires}, so the TTL
     * index removes leftovers) has run out, or one this token holds already (a retry after a lost
     * reply); with no lock document the upsert inserts one. A live lock of another token matches
     * nothing, and the upsert's insert then fails on the duplicate {@code _id}: held. The lease
     * is reckoned by the database's clock ({@link ServerClock}), as the TTL index reckons it.
     */
    @Override
    public boolean tryLock(String id, String token, java.time.Duration lease) {
        Date now = Date.from(call(serverClock::now));
        Bson free = and(eq(ID, lockId(id)), or(lte(EXPIRES, now), eq(TOKEN, token)));
        Bson take = Updates.combine(Updates.set(TOKEN, token), Updates.set(EXPIRES, Date.from(now.toInstant().plus(lease))));
        return call(() -> {
            try {
                sessions.updateOne(free, take, new UpdateOptions().upsert(true));
                return true;
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                return false;
            }
        });
    }

    /** Deletes the lock document only if the token still holds it. */
    @Override
    public boolean unlock(String id, String token) {
        return call(() -> sessions.deleteOne(and(eq(ID, lockId(id)), eq(TOKEN, token)))).getDeletedCount() == 1;
    }

    /** Ids are base64url, so no session's {@code _id} ever ends in {@code .lock}. */
    private String lockId(String id) {
        return keyPrefix + id + ".lock";
    }

    private Bson live(String id) {
        return and(eq(ID, keyPrefix + id), gt(EXPIRES, Date.from(clock.instant())));
    }

    /**
     * Stores a new session whole, over any leftover of the same id (an expired document the
     * TTL monitor has not reached yet). Two upserts of one id can both miss and one then fails
     * on the unique _id; the retry finds the document and replaces it.
     */
    private Void create(Document document) {
        Bson sameId = eq(ID, document.get(ID));
        ReplaceOptions upsert = new ReplaceOptions().upsert(true);
        try {
            sessions.replaceOne(sameId, document, upsert);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            sessions.replaceOne(sameId, document, upsert);
        }
        return null;
    }

    private static Document attributesDocument(Map<String, byte[]> attributes) {
        Document document = new Document();
        attributes.forEach((name, value) -> document.append(FieldNames.encode(name), new Binary(value)));
        return document;
    }

    /**
     * The session in a live document, or {@link MalformedSessionException} for a document this
     * library did not write: {@code attributes} missing or not a document, an attribute that is
     * not binary or whose field name is no encoding of a name, {@code created} not a date. Such a
     * document is left as it is (the request gets a session under a new id); one wrong attribute
     * is enough, as one undecodable value is for the codec, since half a session is not one.
     * A missing {@code created} is taken as the expiry, as it always was.
     */
    private static StoredSession toStoredSession(Document document) {
        Map<String, byte[]> attributes = new HashMap<>();
        Object stored = document.get(ATTRIBUTES);
        if (!(stored instanceof Document fields)) {
            throw new MalformedSessionException("the document's " + ATTRIBUTES + " is "
                    + (stored == null ? "missing" : "a " + stored.getClass().getSimpleName() + ", not a document"));
        }
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            if (!(field.getValue() instanceof Binary binary)) {
                throw new MalformedSessionException("an attribute field holds "
                        + (field.getValue() == null ? "null" : "a " + field.getValue().getClass().getSimpleName())
                        + ", not binary data");
            }
            try {
                attributes.put(FieldNames.decode(field.getKey()), binary.getData());
            } catch (IllegalArgumentException e) {
                throw new MalformedSessionException("an attribute field name was not written by this library", e);
            }
        }
        Object created = document.get(CREATED);
        if (created != null && !(created instanceof Date)) {
            throw new MalformedSessionException("the document's " + CREATED + " is not a date");
        }
        Date expires = document.getDate(EXPIRES);
        return new StoredSession(attributes, (created != null ? (Date) created : expires).toInstant(), expires.toInstant());
    }

    /**
     * Runs one operation, creating the TTL index first if no earlier call managed to; a store
     * that cannot be reached becomes {@link SessionStoreUnavailableException}.
     *
     * <p>A connection that broke while idle (the server restarted, a failover, a proxy's idle
     * timeout) fails on its first use; the driver then drops its pool, and retries only writes
     * on replica sets. One retry on a fresh connection lets a restart that is already over cost
     * no error. It is safe because every operation here is idempotent: a {@code $set} applied
     * twice, a delete of a deleted document, and a {@code findOneAndDelete} whose first try did
     * delete returns nothing, which {@link #changeId} reports so that the core stores the
     * session anew.
     */
    private <T> T call(Supplier<T> operation) {
        try {
            try {
                ensureTtlIndex();
                return operation.get();
            } catch (MongoSocketReadException | MongoSocketWriteException | MongoSocketClosedException e) {
                ensureTtlIndex();
                return operation.get();
            }
        } catch (MongoException e) {
            if (meansUnavailable(e)) {
                throw new SessionStoreUnavailableException(description, e);
            }
            throw e;
        }
    }

    /**
     * The TTL index, created on the first call that reaches the server rather than at start-up,
     * so that a deployment never needs MongoDB up. Concurrent first calls may all send it:
     * creating an existing index is a no-op. An unreachable server leaves it for the next call;
     * a refusal (no privilege, an index of other options on the field) is logged once, since
     * reads filter on expiry and the purge removes expired sessions anyway.
     */
    private void ensureTtlIndex() {
        if (indexEnsured) {
            return;
        }
        try {
            long delay = keepExpired == null ? 0 : keepExpired.toSeconds();
            try {
                sessions.createIndex(Indexes.ascending(EXPIRES), new IndexOptions().expireAfter(delay, TimeUnit.SECONDS));
            } catch (MongoCommandException e) {
                if (keepExpired == null || meansUnavailable(e)) {
                    throw e;
                }
                // an index of another delay (a deployment without session listeners made it): change it
                client.getDatabase(sessions.getNamespace().getDatabaseName()).runCommand(new Document("collMod",
                        sessions.getNamespace().getCollectionName()).append("index",
                        new Document("keyPattern", new Document(EXPIRES, 1)).append("expireAfterSeconds", delay)));
            }
            sessions.createIndex(Indexes.ascending(OWNER), new IndexOptions().sparse(true));
        } catch (MongoCommandException e) {
            if (meansUnavailable(e)) {
                throw e;
            }
            LOG.warning(() -> "The TTL index on " + EXPIRES + " of " + description + " could not be created ("
                    + e.getErrorCodeName() + ": " + e.getErrorMessage() + "); expired sessions are removed by the purge instead");
        }
        indexEnsured = true;
    }

    /** Whether {@code e} says the store is unreachable or too slow, rather than that a call was wrong. */
    static boolean meansUnavailable(MongoException e) {
        return e instanceof MongoTimeoutException // no server selected in time, or an operation timeout
                || e instanceof MongoSocketException // refused, reset, read or write timeout
                || e instanceof MongoServerUnavailableException
                || e instanceof MongoConnectionPoolClearedException
                || e instanceof MongoNotPrimaryException // a replica set election in progress
                || e instanceof MongoNodeIsRecoveringException
                || e instanceof MongoExecutionTimeoutException
                || e instanceof MongoClientException && e.getCause() instanceof MongoSocketException;
    }
}
