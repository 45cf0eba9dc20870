package dev.serversessions.internal.backend.mongodb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.serversessions.api.SessionType;
import dev.serversessions.internal.backend.ClientLookup;
import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.internal.session.CookieAction;
import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.session.SessionRuntime;
import dev.serversessions.testsupport.MongoDbServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How many MongoDB commands each kind of request costs, counted by the driver's command
 * listener while the real request rules ({@link RequestSession}) drive the backend. The numbers
 * are in docs/mongodb.md.
 */
class MongoRequestCostTest {
    private static final List<String> COMMANDS = Collections.synchronizedList(new ArrayList<>());
    private static MongoDbServer mongo;
    private static MongoClient client;
    private static SessionRuntime runtime;
    private static SessionRuntime withoutRefresh;
    /** A collection of its own, so that its index creation does not depend on the order tests run in. */
    private static SessionRuntime owned;

    @BeforeAll
    static void start() {
        mongo = MongoDbServer.start();
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(mongo.connectionString()))
                .addCommandListener(new CommandListener() {
                    @Override
                    public void commandStarted(CommandStartedEvent event) {
                        COMMANDS.add(event.getCommandName());
                    }
                })
                .build());
        runtime = runtime(Map.of());
        withoutRefresh = runtime(Map.of("SESSION_REFRESH_EACH_REQUEST", "false"));
        owned = runtime(Map.of(MongoSettings.COLLECT, "owned_cost"));
    }

    /** The core's runtime for {@code keys}, its backend built on the counting client. */
    private static SessionRuntime runtime(Map<String, String> keys) {
        Map<String, String> all = new java.util.HashMap<>(keys);
        all.put("SESSION_TYPE", "mongodb");
        all.putIfAbsent(MongoSettings.COLLECT, "cost");
        SessionRuntime built = SessionRuntime.create(SettingsSource.of(all), MongoRequestCostTest.class.getClassLoader(), Clock.systemUTC());
        built.useClients(new ClientLookup() {
            @Override
            public <T> Optional<T> find(Class<T> type, SessionType store) {
                return type == MongoClient.class ? Optional.of(type.cast(client)) : Optional.empty();
            }
        });
        return built;
    }

    @AfterAll
    static void stop() {
        for (SessionRuntime built : new SessionRuntime[] {runtime, withoutRefresh, owned}) {
            if (built != null) {
                built.activeBackend().close();
            }
        }
        if (client != null) {
            client.close();
        }
        if (mongo != null) {
            mongo.close();
        }
    }

    /** The commands one request sends: open the session for the cookie, run the app, save. */
    private static List<String> request(String cookie, Consumer<RequestSession> app) {
        return request(runtime, cookie, app);
    }

    private static List<String> request(SessionRuntime on, String cookie, Consumer<RequestSession> app) {
        COMMANDS.clear();
        RequestSession session = on.open(cookie);
        app.accept(session);
        CookieAction action = session.save();
        lastCookie = action.id() != null ? action.id() : cookie;
        List<String> sent = List.copyOf(COMMANDS);
        System.out.println("[mongodb cost] " + sent);
        return sent;
    }

    private static String lastCookie;

    @Test
    void commandsPerKindOfRequest() {
        assertEquals(List.of("createIndexes", "createIndexes", "update"), request(null, s -> s.put("cart", "1 item")),
                "first request of the application: the TTL index and the owner index, then the new session (one upsert)");
        String id = lastCookie;

        assertEquals(List.of(), request(id, s -> { }), "untouched");
        assertEquals(List.of("find"), request(id, s -> s.get("cart")), "read-only: a pure read, the slide not due");
        assertEquals(List.of("find", "update"), request(id, s -> s.put("cart", "2 items")), "write");
        assertEquals(List.of("update"), request(null, s -> s.put("cart", "1 item")), "new session");
        assertEquals(List.of("delete"), request(lastCookie, s -> s.invalidate()), "invalidate: no load needed");
        assertEquals(List.of("find", "findAndModify", "update"), request(id, s -> {
            s.get("cart");
            s.regenerate();
        }), "regenerate: load, take the old document away, store it under the new id");
    }

    /** What the owner index ({@code UserSessions}) adds: a command at login and logout, none in between. */
    @Test
    void theOwnerIndexCostsACommandAtLoginAndLogoutOnly() {
        request(owned, null, s -> s.put("warm", "up"));
        String anonymous = lastCookie;
        List<String> login = request(owned, anonymous, s -> s.logIn(new dev.serversessions.internal.session.Caller("alice", java.util.Set.of("user"))));
        String id = lastCookie;
        List<String> read = request(owned, id, s -> s.get("warm"));
        List<String> write = request(owned, id, s -> s.put("cart", "2 items"));
        List<String> logout = request(owned, id, RequestSession::logOut);
        System.out.println("[mongodb owner index cost] login " + login + ", read " + read + ", write " + write + ", logout " + logout);

        assertEquals(List.of("find", "findAndModify", "update", "update", "update"), login,
                "load, move to the new id (take, store), write the caller, then one update setting the owner field");
        assertEquals(List.of("find"), read, "a logged-in read costs what any read costs");
        assertEquals(List.of("find", "update"), write, "a logged-in write costs what any write costs");
        assertEquals(List.of("find", "delete", "update"), logout,
                "the load, the session's delete (a logout ends it), then the index's update unsetting the owner (a no-op by then)");
    }

    @Test
    void aReadOnlyRequestWhoseSlideIsDueAddsOneUpdateOfTheExpiry() {
        SessionRuntime everyRequest = runtime(Map.of("SESSION_REFRESH_THRESHOLD", "0"));
        try {
            request(everyRequest, null, s -> s.put("cart", "1 item"));
            String id = lastCookie;
            assertEquals(List.of("find", "update"), request(everyRequest, id, s -> s.get("cart")));
        } finally {
            everyRequest.activeBackend().close();
        }
    }

    @Test
    void withoutRefreshAReadOnlyRequestIsOneFind() {
        request(withoutRefresh, null, s -> s.put("cart", "1 item")); // and this backend's index
        String id = lastCookie;
        assertEquals(List.of("find"), request(withoutRefresh, id, s -> s.get("cart")));
        assertEquals(List.of("find", "update"), request(withoutRefresh, id, s -> s.put("cart", "2 items")));
    }
}
