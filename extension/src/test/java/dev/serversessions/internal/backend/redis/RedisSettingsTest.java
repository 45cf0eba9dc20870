package dev.serversessions.internal.backend.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.internal.backend.redis.RedisSettings.Mode;
import dev.serversessions.internal.config.ConfigValues;
import dev.serversessions.internal.config.SettingsSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;

class RedisSettingsTest {
    private static RedisSettings valid(Map<String, String> keys) {
        ConfigValues values = new ConfigValues(SettingsSource.of(keys));
        RedisSettings settings = RedisSettings.read(values);
        assertEquals(List.of(), values.problems());
        return settings;
    }

    private static List<String> problems(Map<String, String> keys) {
        ConfigValues values = new ConfigValues(SettingsSource.of(keys));
        RedisSettings.read(values);
        return values.problems();
    }

    @Test
    void defaultsAreTheLocalRedisWithSensiblePoolAndTimeout() {
        RedisSettings settings = valid(Map.of());
        assertEquals(Mode.STANDALONE, settings.mode());
        assertEquals(List.of(new HostAndPort("127.0.0.1", 6379)), settings.nodes());
        assertFalse(settings.address().tls());
        assertEquals(0, settings.address().database());
        assertEquals(16, settings.poolSize());
        assertEquals(Duration.ofSeconds(2), settings.timeout());
        assertEquals("redis 127.0.0.1:6379/0", settings.describe());
    }

    @Test
    void aUrlCarriesTlsUserPasswordAndDatabase() {
        RedisSettings settings = valid(Map.of("SESSION_REDIS", "REDISS://app:p%40ss:w0rd@cache.example.com/4"));
        RedisAddress address = settings.address();
        assertTrue(address.tls());
        assertEquals(Optional.of("app"), address.user());
        assertEquals(Optional.of("p@ss:w0rd"), address.password());
        assertEquals(List.of(new HostAndPort("cache.example.com", 6379)), address.nodes());
        assertEquals(4, address.database());
        assertEquals("rediss cache.example.com:6379/4", settings.describe());
        assertFalse(address.toString().contains("w0rd"));
    }

    @Test
    void aPasswordAloneUsesTheDefaultUser() {
        RedisAddress address = valid(Map.of("SESSION_REDIS", "redis://:secret@[::1]:7000")).address();
        assertEquals(Optional.empty(), address.user());
        assertEquals(Optional.of("secret"), address.password());
        assertEquals(List.of(new HostAndPort("::1", 7000)), address.nodes());
    }

    @Test
    void clusterAndSentinelTakeCommaListsOfNodes() {
        RedisSettings cluster = valid(Map.of("SESSION_REDIS_MODE", "Cluster", "SESSION_REDIS", "10.0.0.1:7000, 10.0.0.2:7001,10.0.0.3"));
        assertEquals(Mode.CLUSTER, cluster.mode());
        assertEquals(List.of(new HostAndPort("10.0.0.1", 7000), new HostAndPort("10.0.0.2", 7001), new HostAndPort("10.0.0.3", 6379)),
                cluster.nodes());
        assertEquals("redis cluster 10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:6379", cluster.describe());

        RedisSettings sentinel = valid(Map.of("SESSION_REDIS_MODE", "sentinel", "SESSION_REDIS_MASTER", "mymaster",
                "SESSION_REDIS", "rediss://:pw@s1,s2:26380/1"));
        assertEquals(List.of(new HostAndPort("s1", 26379), new HostAndPort("s2", 26380)), sentinel.nodes());
        assertEquals(Optional.of("mymaster"), sentinel.master());
        assertEquals("rediss sentinel master mymaster via s1:26379,s2:26380/1", sentinel.describe());
    }

    @Test
    void poolSizeAndTimeoutHaveKeysOfTheirOwn() {
        RedisSettings settings = valid(Map.of("SESSION_REDIS_POOL_SIZE", "64", "SESSION_REDIS_TIMEOUT_MS", "250"));
        assertEquals(64, settings.poolSize());
        assertEquals(Duration.ofMillis(250), settings.timeout());
    }

    /** 4294967297 is 1 once cast to int: the range is checked on the number as given. */
    @Test
    void aPoolSizeBeyondIntIsOutOfRangeNotWrapped() {
        assertEquals(List.of("SESSION_REDIS_POOL_SIZE=4294967297 is not a connection count from 1 to 10000"),
                problems(Map.of("SESSION_REDIS_POOL_SIZE", "4294967297")));
        assertEquals(List.of("SESSION_REDIS_POOL_SIZE=10001 is not a connection count from 1 to 10000"),
                problems(Map.of("SESSION_REDIS_POOL_SIZE", "10001")));
        assertEquals(10_000, valid(Map.of("SESSION_REDIS_POOL_SIZE", "10000")).poolSize());
    }

    @Test
    void everyBadValueIsNamedWithWhatIsAllowedAndNoPassword() {
        List<String> problems = problems(Map.of(
                "SESSION_REDIS", "http://user:hunter2@host:6379",
                "SESSION_REDIS_MODE", "replicated",
                "SESSION_REDIS_POOL_SIZE", "0",
                "SESSION_REDIS_TIMEOUT_MS", "soon"));
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.contains("SESSION_REDIS_MODE=replicated is not one of standalone, sentinel, cluster"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("SESSION_REDIS=http://***@host:6379 has the scheme http://; use redis:// or rediss://")),
                problems.toString());
        assertTrue(problems.contains("SESSION_REDIS_POOL_SIZE=0 must be a whole number of at least 1"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("SESSION_REDIS_TIMEOUT_MS=soon is not a whole number")), problems.toString());
        assertTrue(problems.stream().noneMatch(p -> p.contains("hunter2")));
    }

    @Test
    void malformedAddressesAreProblems() {
        assertProblem("redis://host:99999", "SESSION_REDIS=redis://host:99999 has the port '99999'");
        assertProblem("redis://host:abc", "SESSION_REDIS=redis://host:abc has the port 'abc'");
        assertProblem("redis://:6379", "SESSION_REDIS=redis://:6379 has no valid host");
        assertProblem("redis://host/zero", "SESSION_REDIS=redis://host/zero has the path /zero; the path is a database number");
        assertProblem("redis://host?timeout=5", "SESSION_REDIS=redis://host?timeout=5 has URL options");
        assertProblem("redis://a:1,b:2", "SESSION_REDIS=redis://a:1,b:2 lists 2 hosts; give one, or set SESSION_REDIS_MODE=cluster");
    }

    private static void assertProblem(String url, String start) {
        List<String> problems = problems(Map.of("SESSION_REDIS", url));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith(start), problems.get(0));
    }

    @Test
    void theNearCacheIsOffUnlessTurnedOnAndThenHoldsTenThousandSessions() {
        assertFalse(valid(Map.of()).nearCache());
        assertFalse(valid(Map.of("SESSION_REDIS_NEAR_CACHE_SIZE", "50")).nearCache());
        assertEquals(10_000, valid(Map.of("SESSION_REDIS_NEAR_CACHE", "true")).nearCacheSize());
        assertEquals(50, valid(Map.of("SESSION_REDIS_NEAR_CACHE", "on", "SESSION_REDIS_NEAR_CACHE_SIZE", "50")).nearCacheSize());
        assertEquals(64L * 1024 * 1024, valid(Map.of("SESSION_REDIS_NEAR_CACHE", "true")).nearCacheBytes(),
                "64 MiB: the count alone does not bound memory");
        assertEquals(2L * 1024 * 1024, valid(Map.of("SESSION_REDIS_NEAR_CACHE", "true", "SESSION_REDIS_NEAR_CACHE_BYTES", "2097152"))
                .nearCacheBytes());
        assertTrue(valid(Map.of("SESSION_REDIS_MODE", "sentinel", "SESSION_REDIS_MASTER", "m",
                "SESSION_REDIS_NEAR_CACHE", "true")).nearCache());
    }

    @Test
    void badNearCacheValuesAndClusterModeAreRefused() {
        assertEquals(List.of("SESSION_REDIS_NEAR_CACHE=maybe is not a boolean (true or false)"),
                problems(Map.of("SESSION_REDIS_NEAR_CACHE", "maybe")));
        assertTrue(problems(Map.of("SESSION_REDIS_NEAR_CACHE", "true", "SESSION_REDIS_NEAR_CACHE_SIZE", "0")).get(0)
                .startsWith("SESSION_REDIS_NEAR_CACHE_SIZE=0 "));
        assertTrue(problems(Map.of("SESSION_REDIS_NEAR_CACHE", "true", "SESSION_REDIS_NEAR_CACHE_SIZE", "20000000")).get(0)
                .startsWith("SESSION_REDIS_NEAR_CACHE_SIZE=20000000 is not a session count from 1 to 10000000"));
        assertEquals(List.of("SESSION_REDIS_NEAR_CACHE_BYTES=1000 must be a whole number of at least 1048576"),
                problems(Map.of("SESSION_REDIS_NEAR_CACHE", "true", "SESSION_REDIS_NEAR_CACHE_BYTES", "1000")));
        assertEquals(List.of("SESSION_REDIS_NEAR_CACHE_BYTES=2000000000000 is not a number of bytes from 1048576 (1 MiB) to"
                + " 1099511627776 (1 TiB)"), problems(Map.of("SESSION_REDIS_NEAR_CACHE", "true", "SESSION_REDIS_NEAR_CACHE_BYTES",
                "2000000000000")));
        assertEquals(List.of("SESSION_REDIS_NEAR_CACHE_BYTES=64MB is not a whole number (1048576 or more)"),
                problems(Map.of("SESSION_REDIS_NEAR_CACHE", "true", "SESSION_REDIS_NEAR_CACHE_BYTES", "64MB")));
        List<String> cluster = problems(Map.of("SESSION_REDIS_MODE", "cluster", "SESSION_REDIS", "h1:7000,h2:7001",
                "SESSION_REDIS_NEAR_CACHE", "true"));
        assertEquals(1, cluster.size(), cluster.toString());
        assertTrue(cluster.get(0).startsWith("SESSION_REDIS_NEAR_CACHE=true does not work with SESSION_REDIS_MODE=cluster"));
        assertEquals(List.of(), problems(Map.of("SESSION_REDIS_MODE", "cluster", "SESSION_REDIS", "h1:7000,h2:7001",
                "SESSION_REDIS_NEAR_CACHE", "false")));
    }

    @Test
    void sentinelModeNeedsTheMasterName() {
        List<String> problems = problems(Map.of("SESSION_REDIS_MODE", "sentinel", "SESSION_REDIS", "s1:26379"));
        assertEquals(List.of("SESSION_REDIS_MASTER is required with SESSION_REDIS_MODE=sentinel: the name of the master"
                + " the sentinels monitor (e.g. mymaster)"), problems);
    }

    @Test
    void clusterHasOnlyDatabaseZero() {
        List<String> problems = problems(Map.of("SESSION_REDIS_MODE", "cluster", "SESSION_REDIS", "redis://a:7000,b:7001/2"));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("Redis Cluster has only database 0"), problems.get(0));
    }

    @Test
    void aTlsCaFileMustBeAReadableCertificateForARedissUrl(@TempDir Path dir) throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        List<String> problems = problems(Map.of("SESSION_REDIS", "rediss://host", "SESSION_REDIS_TLS_CA_FILE", notPem.toString()));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("SESSION_REDIS_TLS_CA_FILE=" + notPem + " is not a readable PEM certificate file"),
                problems.get(0));

        assertTrue(problems(Map.of("SESSION_REDIS", "rediss://host", "SESSION_REDIS_TLS_CA_FILE", dir.resolve("missing.pem").toString()))
                .get(0).contains("is not a readable PEM certificate file"));
        assertEquals(List.of("SESSION_REDIS_TLS_CA_FILE=" + notPem + " is set but SESSION_REDIS does not use TLS: use a rediss:// URL"),
                problems(Map.of("SESSION_REDIS", "redis://host", "SESSION_REDIS_TLS_CA_FILE", notPem.toString())));
    }
}
