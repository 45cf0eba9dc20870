package dev.serversessions.internal.backend.mongodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoClientSettings;
import dev.serversessions.internal.config.ConfigValues;
import dev.serversessions.internal.config.SettingsSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MongoSettingsTest {

    private static ConfigValues values(Map<String, String> keys) {
        return new ConfigValues(SettingsSource.of(keys));
    }

    @Test
    void defaultsAreTheSeeds() {
        ConfigValues values = values(Map.of());
        MongoSettings settings = MongoSettings.read(values);
        assertEquals(List.of(), values.problems());
        assertEquals("mongodb://127.0.0.1:27017", settings.hosts());
        assertEquals("flask_session", settings.database());
        assertEquals("sessions", settings.collection());
        assertEquals(Duration.ofSeconds(3), settings.timeout());
    }

    @Test
    void replicaSetsAndSrvConnectionStringsAreAccepted() {
        for (String uri : List.of("mongodb://a:27017,b:27018/?replicaSet=rs0", "mongodb+srv://cluster0.example.net/?retryWrites=true",
                "mongodb://user:p%40ss@db.example.net/admin?tls=true")) {
            ConfigValues values = values(Map.of(MongoSettings.MONGODB, uri));
            MongoSettings.read(values);
            assertEquals(List.of(), values.problems(), uri);
        }
    }

    @Test
    void everyBadKeyIsReportedOnceByNameWithThePasswordMasked() {
        ConfigValues values = values(Map.of(
                MongoSettings.MONGODB, "mongodb://bob:hunter2@db.example.net:notaport/",
                MongoSettings.DB, "my.db",
                MongoSettings.COLLECT, "a$b",
                MongoSettings.TIMEOUT_MS, "0"));
        MongoSettings.read(values);
        List<String> problems = values.problems();
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("SESSION_MONGODB=mongodb://bob:****@db.example.net:notaport/ is not a MongoDB connection string"),
                problems.get(0));
        assertFalse(String.join("\n", problems).contains("hunter2"));
        assertTrue(problems.get(1).startsWith("SESSION_MONGODB_DB=my.db "), problems.get(1));
        assertTrue(problems.get(2).startsWith("SESSION_MONGODB_COLLECT=a$b "), problems.get(2));
        assertTrue(problems.get(3).startsWith("SESSION_MONGODB_TIMEOUT_MS=0 "), problems.get(3));
    }

    @Test
    void aUrlOfAnotherSchemeIsRejected() {
        ConfigValues values = values(Map.of(MongoSettings.MONGODB, "redis://127.0.0.1:6379"));
        MongoSettings.read(values);
        assertEquals(1, values.problems().size());
        assertTrue(values.problems().get(0).startsWith("SESSION_MONGODB=redis://127.0.0.1:6379 is not"), values.problems().get(0));
    }

    @Test
    void theTimeoutBoundsServerSelectionConnectAndReadsUnlessTheConnectionStringSaysOtherwise() {
        MongoClientSettings ours = MongoBackendProvider.clientSettings(MongoSettings.read(values(Map.of(
                MongoSettings.TIMEOUT_MS, "1234"))));
        assertEquals(1234, ours.getClusterSettings().getServerSelectionTimeout(TimeUnit.MILLISECONDS));
        assertEquals(1234, ours.getSocketSettings().getConnectTimeout(TimeUnit.MILLISECONDS));
        assertEquals(1234, ours.getSocketSettings().getReadTimeout(TimeUnit.MILLISECONDS));
        assertEquals(1234, ours.getConnectionPoolSettings().getMaxWaitTime(TimeUnit.MILLISECONDS),
                "a request queued for a pooled connection waits no longer than the timeout (the driver's default is 120 s)");

        MongoClientSettings theirs = MongoBackendProvider.clientSettings(MongoSettings.read(values(Map.of(
                MongoSettings.MONGODB, "mongodb://h/?serverSelectionTimeoutMS=9000&connectTimeoutMS=8000&socketTimeoutMS=7000&waitQueueTimeoutMS=6000&appName=shop",
                MongoSettings.TIMEOUT_MS, "1234"))));
        assertEquals(9000, theirs.getClusterSettings().getServerSelectionTimeout(TimeUnit.MILLISECONDS));
        assertEquals(8000, theirs.getSocketSettings().getConnectTimeout(TimeUnit.MILLISECONDS));
        assertEquals(7000, theirs.getSocketSettings().getReadTimeout(TimeUnit.MILLISECONDS));
        assertEquals(6000, theirs.getConnectionPoolSettings().getMaxWaitTime(TimeUnit.MILLISECONDS));
        assertEquals("shop", theirs.getApplicationName());
    }
}
