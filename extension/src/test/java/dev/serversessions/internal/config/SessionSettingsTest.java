package dev.serversessions.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.api.SessionType;
import dev.serversessions.internal.session.SessionRuntime;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SessionSettingsTest {

    private static SessionSettings read(Map<String, String> keys) {
        ConfigValues values = new ConfigValues(SettingsSource.of(keys));
        SessionSettings settings = SessionSettings.read(values);
        values.throwIfInvalid();
        return settings;
    }

    private static List<String> problems(Map<String, String> keys) {
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> SessionRuntime.create(SettingsSource.of(keys), SessionSettingsTest.class.getClassLoader(), Clock.systemUTC()));
        return e.problems();
    }

    @Test
    void defaultsAreTheSeedPagesDefaults() {
        SessionSettings settings = read(Map.of());
        assertEquals(SessionType.FILESYSTEM, settings.type());
        assertTrue(settings.permanent());
        assertFalse(settings.useSigner());
        assertEquals("session:", settings.keyPrefix());
        assertEquals(32, settings.idLength());
        assertEquals(SerializationFormat.JAVA, settings.serializationFormat());
        assertEquals(Optional.empty(), settings.cleanupEveryNRequests());
        assertEquals("session", settings.cookieName());
        assertEquals(Optional.empty(), settings.cookieDomain());
        assertEquals(Optional.empty(), settings.cookiePath());
        assertTrue(settings.cookieHttpOnly());
        assertFalse(settings.cookieSecure());
        assertEquals(SameSite.LAX, settings.cookieSameSite());
        assertEquals(Duration.ofDays(31), settings.lifetime());
        assertTrue(settings.refreshEachRequest());
        assertTrue(settings.wrapHttpSession());
        assertEquals(4L * 1024 * 1024, settings.maxSessionBytes());
        assertTrue(settings.login(), "logins are kept in the server session unless switched off");
        assertFalse(settings.logoutKeepsAttributes(), "a logout ends the session with its attributes unless asked");
        assertEquals(Optional.empty(), settings.idHeader(), "ids travel in a header only when asked");
    }

    @Test
    void everyKeyIsRead() {
        Map<String, String> keys = new HashMap<>();
        keys.put("SESSION_TYPE", "JPA");
        keys.put("SESSION_PERMANENT", "false");
        keys.put("SESSION_USE_SIGNER", "TRUE");
        keys.put("SESSION_SECRET_KEY", "s3cret-s3cret-s3cret-s3cret-s3cret-s3cret");
        keys.put("SESSION_KEY_PREFIX", "shop:");
        keys.put("SESSION_ID_LENGTH", "48");
        keys.put("SESSION_SERIALIZATION_FORMAT", "Json");
        keys.put("SESSION_SERIALIZATION_ALLOWLIST", "com.example.**; org.acme.Cart");
        keys.put("SESSION_CLEANUP_N_REQUESTS", "100");
        keys.put("SESSION_COOKIE_NAME", "sid");
        keys.put("SESSION_COOKIE_DOMAIN", "example.com");
        keys.put("SESSION_COOKIE_PATH", "/shop");
        keys.put("SESSION_COOKIE_HTTPONLY", "false");
        keys.put("SESSION_COOKIE_SECURE", "true");
        keys.put("SESSION_COOKIE_SAMESITE", "none");
        keys.put("PERMANENT_SESSION_LIFETIME", "3600");
        keys.put("SESSION_REFRESH_EACH_REQUEST", "false");
        keys.put("SESSION_HTTPSESSION", "false");
        keys.put("SESSION_ID_HEADER", "X-Session-Id");
        keys.put("SESSION_LOGOUT_KEEPS_ATTRIBUTES", "true");

        SessionSettings s = read(keys);

        assertEquals(SessionType.SQLALCHEMY, s.type());
        assertFalse(s.permanent());
        assertTrue(s.useSigner());
        assertEquals(Optional.of("s3cret-s3cret-s3cret-s3cret-s3cret-s3cret"), s.secretKey());
        assertEquals("shop:", s.keyPrefix());
        assertEquals(48, s.idLength());
        assertEquals(SerializationFormat.JSON, s.serializationFormat());
        assertEquals(List.of("com.example.**", "org.acme.Cart"), s.serializationAllowlist());
        assertEquals(Optional.of(100L), s.cleanupEveryNRequests());
        assertEquals("sid", s.cookieName());
        assertEquals(Optional.of("example.com"), s.cookieDomain());
        assertEquals(Optional.of("/shop"), s.cookiePath());
        assertFalse(s.cookieHttpOnly());
        assertTrue(s.cookieSecure());
        assertEquals(SameSite.NONE, s.cookieSameSite());
        assertEquals(Duration.ofHours(1), s.lifetime());
        assertFalse(s.refreshEachRequest());
        assertFalse(s.wrapHttpSession());
        assertEquals(Optional.of("X-Session-Id"), s.idHeader());
        assertTrue(s.logoutKeepsAttributes());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "SESSION_TYPE|nosql|SESSION_TYPE=nosql is not one of redis, memcached, filesystem, mongodb, sqlalchemy (alias jpa)",
        "SESSION_PERMANENT|maybe|SESSION_PERMANENT=maybe is not a boolean (true or false)",
        "SESSION_USE_SIGNER|sometimes|SESSION_USE_SIGNER=sometimes is not a boolean (true or false)",
        "SESSION_KEY_PREFIX|my prefix|SESSION_KEY_PREFIX=my prefix must be at most 100 characters without spaces or control characters",
        "SESSION_ID_LENGTH|-1|SESSION_ID_LENGTH=-1 must be a whole number of at least 16",
        "SESSION_ID_LENGTH|8|SESSION_ID_LENGTH=8 must be a whole number of at least 16",
        "SESSION_ID_LENGTH|lots|SESSION_ID_LENGTH=lots is not a whole number (16 or more)",
        "SESSION_ID_LENGTH|1000|SESSION_ID_LENGTH=1000 must be a number of bytes from 16 to 256",
        "SESSION_MAX_SIZE|100|SESSION_MAX_SIZE=100 must be a whole number of at least 1024",
        "SESSION_MAX_SIZE|4MB|SESSION_MAX_SIZE=4MB is not a whole number (1024 or more)",
        "SESSION_MAX_SIZE|2000000000|SESSION_MAX_SIZE=2000000000 must be a number of bytes from 1024 to 1073741824",
        "SESSION_SERIALIZATION_FORMAT|pickle|SESSION_SERIALIZATION_FORMAT=pickle is not one of java, json",
        "SESSION_CLEANUP_N_REQUESTS|0|SESSION_CLEANUP_N_REQUESTS=0 must be a whole number of at least 1",
        "SESSION_CLEANUP_N_REQUESTS|often|SESSION_CLEANUP_N_REQUESTS=often is not a whole number (1 or more)",
        "SESSION_COOKIE_NAME|my cookie|SESSION_COOKIE_NAME=my cookie is not a valid cookie name (use letters, digits, - and _)",
        "SESSION_COOKIE_DOMAIN|exa;mple.com|SESSION_COOKIE_DOMAIN=exa;mple.com is not a valid cookie domain (e.g. example.com)",
        "SESSION_COOKIE_PATH|shop|SESSION_COOKIE_PATH=shop is not a cookie path (it starts with /, e.g. /shop)",
        "SESSION_COOKIE_HTTPONLY|nope|SESSION_COOKIE_HTTPONLY=nope is not a boolean (true or false)",
        "SESSION_COOKIE_SECURE|si|SESSION_COOKIE_SECURE=si is not a boolean (true or false)",
        "SESSION_COOKIE_SAMESITE|Loose|SESSION_COOKIE_SAMESITE=Loose is not one of Strict, Lax, None",
        "PERMANENT_SESSION_LIFETIME|-5|PERMANENT_SESSION_LIFETIME=-5 must be a whole number of at least 1",
        "PERMANENT_SESSION_LIFETIME|31d|PERMANENT_SESSION_LIFETIME=31d is not a whole number (1 or more)",
        "SESSION_REFRESH_EACH_REQUEST|2|SESSION_REFRESH_EACH_REQUEST=2 is not a boolean (true or false)",
        "SESSION_REFRESH_THRESHOLD|-1|SESSION_REFRESH_THRESHOLD=-1 must be a whole number of at least 0",
        "SESSION_REFRESH_THRESHOLD|1m|SESSION_REFRESH_THRESHOLD=1m is not a whole number (0 or more)",
        "SESSION_REFRESH_THRESHOLD|1339201|SESSION_REFRESH_THRESHOLD=1339201 must be at most half of PERMANENT_SESSION_LIFETIME (1339200 s): a session read only by requests that came less often than the lifetime less the threshold would expire; 0 slides the expiry on every request",
        "SESSION_ID_HEADER|X Session|SESSION_ID_HEADER=X Session is not a valid HTTP header name (use letters, digits and -, e.g. X-Session-Id)",
        "SESSION_ID_HEADER|X-Session-Id:|SESSION_ID_HEADER=X-Session-Id: is not a valid HTTP header name (use letters, digits and -, e.g. X-Session-Id)",
        "SESSION_ID_HEADER|X-Séssion|SESSION_ID_HEADER=X-Séssion is not a valid HTTP header name (use letters, digits and -, e.g. X-Session-Id)",
        "SESSION_HTTPSESSION|x|SESSION_HTTPSESSION=x is not a boolean (true or false)",
        "SESSION_LOGIN|maybe|SESSION_LOGIN=maybe is not a boolean (true or false)",
        "SESSION_LOGOUT_KEEPS_ATTRIBUTES|cart|SESSION_LOGOUT_KEEPS_ATTRIBUTES=cart is not a boolean (true or false)",
        "SESSION_METRICS|maybe|SESSION_METRICS=maybe is not a boolean (true or false)",
        "SESSION_FILE_THRESHOLD|-1|SESSION_FILE_THRESHOLD=-1 must be a whole number of at least 0",
        "SESSION_FILE_MODE|0999|SESSION_FILE_MODE=0999 is not an octal file mode (e.g. 0600)",
        "SESSION_FILE_MODE|0400|SESSION_FILE_MODE=0400 must let the owner read and write (e.g. 0600 or 0640)",
    })
    void aBadValueIsOneLineNamingKeyValueAndWhatIsAllowed(String key, String value, String message) {
        assertEquals(List.of(message), problems(Map.of(key, value)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Cookie", "set-cookie", "Set-Cookie2", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Upgrade",
        "Proxy-Authorization", "Proxy-Session", "Host", "Authorization", "Content-Length", "Origin", "Sec-Session",
        "Access-Control-Expose-Headers", "Vary", "Cache-Control"})
    void theIdHeaderCannotBeOneThatHttpProxiesOrBrowsersAlreadyUse(String name) {
        assertEquals(List.of("SESSION_ID_HEADER=" + name + " is a header HTTP, proxies or browsers already use (hop-by-hop, "
                + "cookie, or not settable by scripts); use a name of its own, e.g. X-Session-Id"),
                problems(Map.of("SESSION_ID_HEADER", name)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Accept", "accept", "Accept-Language", "ACCEPT-LANGUAGE", "Content-Language", "Range", "rAnGe"})
    void theIdHeaderCannotBeOneAnyPageMaySetCrossSiteWithoutAPreflight(String name) {
        assertEquals(List.of("SESSION_ID_HEADER=" + name + " is a CORS-safelisted request header: a page of any site can set it"
                + " on a cross-site request without a preflight; use a name of its own, e.g. X-Session-Id"),
                problems(Map.of("SESSION_ID_HEADER", name)));
        assertFalse(problems(Map.of("SESSION_ID_HEADER", "Content-Type")).isEmpty(), "refused already as a header HTTP uses");
    }

    @Test
    void theSignerNeedsASecretKey() {
        assertEquals(List.of("SESSION_SECRET_KEY is required when SESSION_USE_SIGNER=true: generate one with: openssl rand -base64 48"),
                problems(Map.of("SESSION_USE_SIGNER", "true")));
    }

    @Test
    void aSecretKeyShorterThan32BytesFailsWithHowToGenerateOneAndNeverShowsTheKey() {
        String shortKey = "only-thirty-one-bytes-long-key!";
        for (Map<String, String> keys : List.of(Map.of("SESSION_USE_SIGNER", "true", "SESSION_SECRET_KEY", shortKey),
                Map.of("SESSION_SECRET_KEY", shortKey))) {
            List<String> problems = problems(keys);
            assertEquals(List.of("SESSION_SECRET_KEY is 31 bytes long; it must be at least 32 random bytes:"
                    + " generate one with: openssl rand -base64 48"), problems, keys.toString());
            assertFalse(String.join("\n", problems).contains(shortKey));
        }
        SessionRuntime.create(SettingsSource.of(Map.of("SESSION_SECRET_KEY", "\u00e9\u00e8\u00ea\u00eb".repeat(4))),
                getClass().getClassLoader(), Clock.systemUTC()); // bytes, not characters: 16 x 2 is enough
    }

    @ParameterizedTest
    @ValueSource(strings = {"change-me-to-a-long-random-string", "CHANGE_ME_TO_A_LONG_RANDOM_STRING", "secret", "changeme",
        "Change-Me!", "password123", "your-secret-key-here", "secretsecretsecretsecretsecretsecret",
        "my-super-secret-session-signing-key-2024", "replace-this-with-a-long-random-string",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "0000000000000000000000000000000000000000",
        "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "12345678901234567890123456789012345"})
    void aPlaceholderSecretKeyFailsWithTheRuleAndNeverShowsTheKey(String placeholder) {
        for (Map<String, String> keys : List.of(Map.of("SESSION_USE_SIGNER", "true", "SESSION_SECRET_KEY", placeholder),
                Map.of("SESSION_SECRET_KEY", placeholder))) {
            List<String> problems = problems(keys);
            assertEquals(List.of("SESSION_SECRET_KEY is a placeholder (one character repeated, or only words such as change,"
                    + " me, secret, key, password, example, test and digits, with any punctuation), one that anyone can find"
                    + " and sign cookies with: generate one with: openssl rand -base64 48"), problems,
                    keys + ": the whole message, so the key itself is never in it");
        }
    }

    @Test
    void fallbackKeysAreACommaListCheckedAsTheKeyIsWithoutEverShowingThem() {
        String current = "n5V0Kx8qRzL2mW7aTj4pYb9cHd3eFg6iUo1sQr8tZv0=";
        String old = "3f9a6c2d8e1b7a4c5d0e9f8a7b6c5d4e3f2a1b0c";
        String older = "a-long-random-secret-for-the-tests-only";
        assertEquals(List.of(old, older), read(Map.of("SESSION_SECRET_KEY", current,
                "SESSION_SECRET_KEY_FALLBACKS", " " + old + " ,, " + older + " ")).secretKeyFallbacks());
        assertEquals(List.of(), read(Map.of("SESSION_SECRET_KEY", current)).secretKeyFallbacks());

        List<String> problems = problems(Map.of("SESSION_SECRET_KEY", current, "SESSION_SECRET_KEY_FALLBACKS", old + ",short-key,changeme"));
        assertEquals(List.of("SESSION_SECRET_KEY_FALLBACKS (key 2 of 3) is 9 bytes long; it must be at least 32 random bytes:"
                        + " generate one with: openssl rand -base64 48",
                "SESSION_SECRET_KEY_FALLBACKS (key 3 of 3) is a placeholder (one character repeated, or only words such as change,"
                        + " me, secret, key, password, example, test and digits, with any punctuation), one that anyone can find"
                        + " and sign cookies with: generate one with: openssl rand -base64 48"), problems);
        assertFalse(String.join("\n", problems).contains("short-key"));
    }

    @Test
    void fallbackKeysNeedTheKeyThatSigns() {
        assertEquals(List.of("SESSION_SECRET_KEY_FALLBACKS needs SESSION_SECRET_KEY, the key that signs: after a rotation the new"
                + " key goes into SESSION_SECRET_KEY and the old one into SESSION_SECRET_KEY_FALLBACKS"),
                problems(Map.of("SESSION_SECRET_KEY_FALLBACKS", "3f9a6c2d8e1b7a4c5d0e9f8a7b6c5d4e3f2a1b0c")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"n5V0Kx8qRzL2mW7aTj4pYb9cHd3eFg6iUo1sQr8tZv0=", "3f9a6c2d8e1b7a4c5d0e9f8a7b6c5d4e3f2a1b0c",
        "a-long-random-secret-for-the-tests-only", "s3cret-s3cret-s3cret-s3cret-s3cret-s3cret", "correct-horse-battery-staple-2024!"})
    void aKeyThatIsNotOnlyPlaceholderWordsIsAccepted(String key) {
        assertEquals(Optional.of(key), read(Map.of("SESSION_USE_SIGNER", "true", "SESSION_SECRET_KEY", key)).secretKey());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "__Secure-session|SESSION_COOKIE_NAME=__Secure-session needs SESSION_COOKIE_SECURE=true: browsers drop __Secure- cookies that are not Secure",
        "__secure-sid|SESSION_COOKIE_NAME=__secure-sid needs SESSION_COOKIE_SECURE=true: browsers drop __secure- cookies that are not Secure",
    })
    void aSecurePrefixNeedsSecure(String name, String message) {
        assertEquals(List.of(message), problems(Map.of("SESSION_COOKIE_NAME", name)));
        assertEquals(name, read(Map.of("SESSION_COOKIE_NAME", name, "SESSION_COOKIE_SECURE", "true",
                "SESSION_COOKIE_DOMAIN", "example.com", "SESSION_COOKIE_PATH", "/shop")).cookieName(),
                "__Secure- allows a Domain and any Path");
    }

    @Test
    void aHostPrefixNeedsSecurePathSlashAndNoDomainEachNamed() {
        assertEquals(List.of(
                "SESSION_COOKIE_NAME=__Host-session needs SESSION_COOKIE_SECURE=true: browsers drop __Host- cookies that are not Secure",
                "SESSION_COOKIE_NAME=__Host-session needs SESSION_COOKIE_PATH=/ (it is unset, so the application's context path):"
                        + " browsers drop __Host- cookies whose Path is not /",
                "SESSION_COOKIE_NAME=__Host-session cannot have SESSION_COOKIE_DOMAIN=example.com: browsers drop __Host- cookies"
                        + " that name a Domain; remove SESSION_COOKIE_DOMAIN"),
                problems(Map.of("SESSION_COOKIE_NAME", "__Host-session", "SESSION_COOKIE_DOMAIN", "example.com")));
        assertEquals(List.of("SESSION_COOKIE_NAME=__HOST-sid needs SESSION_COOKIE_PATH=/ (it is /shop): browsers drop __HOST-"
                        + " cookies whose Path is not /"),
                problems(Map.of("SESSION_COOKIE_NAME", "__HOST-sid", "SESSION_COOKIE_SECURE", "true", "SESSION_COOKIE_PATH", "/shop")),
                "browsers match the prefix whatever its case");
        assertEquals("__Host-session", read(Map.of("SESSION_COOKIE_NAME", "__Host-session", "SESSION_COOKIE_SECURE", "true",
                "SESSION_COOKIE_PATH", "/")).cookieName());
        assertEquals("Host-session", read(Map.of("SESSION_COOKIE_NAME", "Host-session")).cookieName(), "no prefix, no rule");
    }

    @Test
    void theSecretKeySignsCookiesOnlyWithTheSignerOn() {
        String key = "a-key-of-more-than-thirty-two-bytes-for-this-test";
        SessionRuntime signing = SessionRuntime.create(SettingsSource.of(Map.of("SESSION_USE_SIGNER", "true", "SESSION_SECRET_KEY", key)),
                getClass().getClassLoader(), Clock.systemUTC());
        SessionRuntime notSigning = SessionRuntime.create(SettingsSource.of(Map.of("SESSION_SECRET_KEY", key)),
                getClass().getClassLoader(), Clock.systemUTC());
        String id = signing.ids().generate();
        assertTrue(signing.ids().cookieValue(id).startsWith(id + "."), signing.ids().cookieValue(id));
        assertEquals(id, notSigning.ids().cookieValue(id), "with the signer off the key signs nothing");
    }

    @Test
    void sameSiteNoneNeedsSecure() {
        assertEquals(List.of("SESSION_COOKIE_SAMESITE=None needs SESSION_COOKIE_SECURE=true: browsers drop SameSite=None cookies that are not Secure"),
                problems(Map.of("SESSION_COOKIE_SAMESITE", "None")));
    }

    @Test
    void lockingIsOffByDefaultWithAFiveSecondWaitAndAThirtySecondLease() {
        SessionSettings settings = read(Map.of());
        assertFalse(settings.locking());
        assertEquals(java.time.Duration.ofSeconds(5), settings.lockTimeout());
        assertEquals(java.time.Duration.ofSeconds(30), settings.lockLease());
        assertEquals(8, settings.lockMaxWaiters());
        assertEquals(3, read(Map.of("SESSION_LOCK_MAX_WAITERS", "3")).lockMaxWaiters());
        SessionSettings on = read(Map.of("SESSION_LOCKING", "true", "SESSION_LOCK_TIMEOUT", "12", "SESSION_LOCK_LEASE", "90"));
        assertTrue(on.locking());
        assertEquals(java.time.Duration.ofSeconds(12), on.lockTimeout());
        assertEquals(java.time.Duration.ofSeconds(90), on.lockLease());
    }

    @Test
    void badLockSettingsNameKeyValueAndRange() {
        assertEquals(List.of("SESSION_LOCKING=maybe is not a boolean (true or false)"), problems(Map.of("SESSION_LOCKING", "maybe")));
        assertEquals(List.of("SESSION_LOCK_TIMEOUT=0 must be a whole number of at least 1"), problems(Map.of("SESSION_LOCK_TIMEOUT", "0")));
        assertEquals(List.of("SESSION_LOCK_TIMEOUT=7200 must be a number of seconds from 1 to 3600"),
                problems(Map.of("SESSION_LOCK_TIMEOUT", "7200")));
        assertEquals(List.of("SESSION_LOCK_LEASE=soon is not a whole number (1 or more)"), problems(Map.of("SESSION_LOCK_LEASE", "soon")));
        assertEquals(List.of("SESSION_LOCK_LEASE=100000 must be a number of seconds from 1 to 86400"),
                problems(Map.of("SESSION_LOCK_LEASE", "100000")));
        assertEquals(List.of("SESSION_LOCK_MAX_WAITERS=0 must be a whole number of at least 1"), problems(Map.of("SESSION_LOCK_MAX_WAITERS", "0")));
        assertEquals(List.of("SESSION_LOCK_MAX_WAITERS=20000 must be a number of requests from 1 to 10000"),
                problems(Map.of("SESSION_LOCK_MAX_WAITERS", "20000")));
    }

    @Test
    void expiredSessionsAreLookedForEveryFifteenSecondsByDefault() {
        assertEquals(java.time.Duration.ofSeconds(15), read(Map.of()).expirySweepInterval());
        assertEquals(java.time.Duration.ofSeconds(2), read(Map.of("SESSION_EXPIRY_SWEEP_INTERVAL", "2")).expirySweepInterval());
        assertEquals(java.time.Duration.ZERO, read(Map.of("SESSION_EXPIRY_SWEEP_INTERVAL", "0")).expirySweepInterval());
        assertEquals(List.of("SESSION_EXPIRY_SWEEP_INTERVAL=-1 must be a whole number of at least 0"),
                problems(Map.of("SESSION_EXPIRY_SWEEP_INTERVAL", "-1")));
        assertEquals(List.of("SESSION_EXPIRY_SWEEP_INTERVAL=7200 must be a number of seconds from 0 (no sweep) to 3600"),
                problems(Map.of("SESSION_EXPIRY_SWEEP_INTERVAL", "7200")));
        assertEquals(List.of("SESSION_EXPIRY_SWEEP_INTERVAL=15s is not a whole number (0 or more)"),
                problems(Map.of("SESSION_EXPIRY_SWEEP_INTERVAL", "15s")));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        List<String> problems = problems(Map.of("SESSION_PERMANENT", "maybe", "SESSION_ID_LENGTH", "-1",
                "SESSION_FILE_MODE", "0999", "SESSION_COOKIE_SAMESITE", "Loose"));
        assertEquals(4, problems.size(), problems.toString());
    }

    @Test
    void wordsAreCaseInsensitive() {
        SessionSettings s = read(Map.of("SESSION_TYPE", "FileSystem", "SESSION_PERMANENT", "FALSE",
                "SESSION_COOKIE_SAMESITE", "strict", "SESSION_SERIALIZATION_FORMAT", "JSON"));
        assertEquals(SessionType.FILESYSTEM, s.type());
        assertFalse(s.permanent());
        assertEquals(SameSite.STRICT, s.cookieSameSite());
        assertEquals(SerializationFormat.JSON, s.serializationFormat());
    }

    @Test
    void aBackendWhoseClientIsAbsentIsAClearProblem() {
        // The extension's test class path has no EclipseLink-free gap for every type, so use a
        // loader that sees only the JDK: the client class of redis is then missing.
        ClassLoader jdkOnly = ClassLoader.getPlatformClassLoader();
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> SessionRuntime.create(SettingsSource.of(Map.of("SESSION_TYPE", "redis")), jdkOnly, Clock.systemUTC()));
        assertEquals(List.of("SESSION_TYPE=redis needs redis.clients.jedis.UnifiedJedis on the class path: "
                + "add the backend's client library to the WAR (see README)"), e.problems());
    }
}
