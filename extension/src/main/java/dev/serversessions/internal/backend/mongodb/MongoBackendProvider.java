package dev.serversessions.internal.backend.mongodb;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.connection.ClusterSettings;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionType;
import dev.serversessions.internal.backend.BackendContext;
import dev.serversessions.internal.backend.BackendProvider;
import dev.serversessions.internal.config.ConfigValues;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Builds the MongoDB backend from {@code SESSION_MONGODB*}, or around the application's own
 * {@code @Backend(MONGODB) MongoClient}.
 */
public final class MongoBackendProvider implements BackendProvider {
    @Override
    public void validate(ConfigValues values) {
        MongoSettings.read(values);
    }

    @Override
    public SessionBackend create(BackendContext context) {
        MongoSettings settings = MongoSettings.read(context.config());
        String keyPrefix = context.settings().keyPrefix();
        Optional<MongoClient> own = context.clients().find(MongoClient.class, SessionType.MONGODB);
        if (own.isPresent()) {
            return new MongoSessionBackend(own.get(), false, settings.database(), settings.collection(), keyPrefix,
                    Clock.systemUTC(), hostsOf(own.get()));
        }
        // MongoClients.create connects in the background: a server that is down fails requests, not the deployment.
        return new MongoSessionBackend(MongoClients.create(clientSettings(settings)), true, settings.database(),
                settings.collection(), keyPrefix, Clock.systemUTC(), settings.hosts());
    }

    /**
     * The connection string's settings, with our timeout wherever the string sets none: the
     * driver's own defaults (30 s to select a server, no read timeout, 120 s to wait for a pooled
     * connection) would hold a request, or a thread of the server, far longer than a 503 should
     * take. The pool wait matters under load: while the store is down every connection attempt
     * hangs for the connect timeout, and the requests queued behind the pool's few connections
     * would otherwise wait for all of those attempts in turn.
     */
    static MongoClientSettings clientSettings(MongoSettings settings) {
        var uri = settings.connectionString();
        int timeout = (int) settings.timeout().toMillis();
        MongoClientSettings.Builder builder = MongoClientSettings.builder()
                .applyConnectionString(uri)
                .applyToClusterSettings(cluster -> {
                    if (uri.getServerSelectionTimeout() == null) {
                        cluster.serverSelectionTimeout(timeout, TimeUnit.MILLISECONDS);
                    }
                })
                .applyToConnectionPoolSettings(pool -> {
                    if (uri.getMaxWaitTime() == null) {
                        pool.maxWaitTime(timeout, TimeUnit.MILLISECONDS);
                    }
                })
                .applyToSocketSettings(socket -> {
                    if (uri.getConnectTimeout() == null) {
                        socket.connectTimeout(timeout, TimeUnit.MILLISECONDS);
                    }
                    if (uri.getSocketTimeout() == null) {
                        socket.readTimeout(timeout, TimeUnit.MILLISECONDS);
                    }
                });
        if (uri.getApplicationName() == null) {
            builder.applicationName("server-sessions"); // names our connections in the server's log and currentOp
        }
        return builder.build();
    }

    private static String hostsOf(MongoClient client) {
        ClusterSettings cluster = client.getClusterDescription().getClusterSettings();
        String hosts = cluster.getSrvHost() != null ? "mongodb+srv://" + cluster.getSrvHost()
                : "mongodb://" + cluster.getHosts().stream().map(Object::toString).collect(Collectors.joining(","));
        return hosts + " (the application's MongoClient)";
    }
}
