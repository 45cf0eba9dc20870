package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.HeaderClient;
import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.it.support.RawHttp;
import dev.serversessions.testsupport.PrivateIds;
import dev.serversessions.testsupport.RedisMonitor;
import dev.serversessions.testsupport.RedisServer;
import dev.serversessions.it.support.WildFlyServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

/**
 * Issue 19, parts 2 and 3, through real HTTP on Payara Micro and WildFly serving one application
 * from one Redis: session ids in {@code SESSION_ID_HEADER} (signed, as the signer makes them) for
 * clients without cookies, hostile header values, and the application's classes and records in
 * {@code SESSION_SERIALIZATION_FORMAT=json}, written by one runtime, read by the other and edited
 * in the store by another program.
 */
class PayaraAndWildFlyIdHeaderAndJsonObjectsIT {
    private static final String HEADER = "X-Session-Id";
    private static final String SECRET = "a-long-random-secret-for-the-id-header-tests-only";
    /** A signed id: 43 characters of id, a dot, 43 of HMAC-SHA256. */
    private static final Pattern SIGNED_ID = Pattern.compile("[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{43}");
    private static RedisServer redis;
    private static PayaraMicro payara;
    private static WildFlyServer wildFly;

    @BeforeAll
    static void start() {
        redis = RedisServer.persistent(PayaraMicro.workDir());
        Map<String, String> env = Map.of("SESSION_TYPE", "redis", "SESSION_REDIS", "redis://127.0.0.1:" + redis.port(),
                "SESSION_ID_HEADER", HEADER, "SESSION_USE_SIGNER", "true", "SESSION_SECRET_KEY", SECRET,
                "SESSION_SERIALIZATION_FORMAT", "json");
        payara = PayaraMicro.start("idheader-payara", env);
        wildFly = WildFlyServer.start("idheader-wildfly", env);
    }

    @AfterAll
    static void stop() {
        for (AppServer server : new AppServer[] {payara, wildFly}) {
            if (server != null) {
                server.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    static Stream<String> runtimes() {
        return Stream.of("payara", "wildfly");
    }

    private static AppServer server(String runtime) {
        return runtime.equals("payara") ? payara : wildFly;
    }

    private static AppServer other(String runtime) {
        return runtime.equals("payara") ? wildFly : payara;
    }

    private static HeaderClient client(String runtime) {
        return new HeaderClient(server(runtime), HEADER);
    }

    private static String idPart(String signed) {
        return signed.substring(0, signed.indexOf('.'));
    }

    // ---- part 2: the id in a header ----

    @ParameterizedTest
    @MethodSource("runtimes")
    void aClientWithoutCookiesGetsItsIdInTheHeaderAndSendsItBack(String runtime) {
        HeaderClient client = client(runtime);
        HeaderClient.Response created = client.put("/api/session/a", "1");
        assertEquals(204, created.status());
        assertEquals(1, created.ids().size(), "one id header: " + created.ids());
        assertTrue(SIGNED_ID.matcher(created.ids().get(0)).matches(), "a signed id: " + created.ids());
        assertTrue(created.setCookies().stream().anyMatch(c -> c.startsWith("session=")),
                "a client that sent no id may keep cookies: it hears both ways");

        HeaderClient.Response read = client.get("/api/session");
        assertEquals("{\"a\":\"1\"}", read.body());
        assertEquals(List.of(), read.ids(), "the id is not new to the client: no header");
        assertEquals(List.of(), read.setCookies(), "nor a cookie for a client that sent its id in the header");

        assertEquals("{\"a\":\"1\"}", client.on(other(runtime)).get("/api/session").body(), "the other runtime reads it too");
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void regenerationSendsTheNewIdAndInvalidationAnEmptyHeader(String runtime) {
        HeaderClient client = client(runtime);
        client.put("/api/session/a", "1");
        String before = client.id().orElseThrow();

        HeaderClient.Response regenerated = client.post("/api/session/regenerate");
        assertEquals(204, regenerated.status());
        String after = client.id().orElseThrow();
        assertNotEquals(before, after);
        assertTrue(SIGNED_ID.matcher(after).matches(), after);
        assertEquals("{}", new HeaderClient(server(runtime), HEADER).withId(before).get("/api/session").body(), "the old id is dead");
        assertEquals("{\"a\":\"1\"}", client.get("/api/session").body());

        HeaderClient.Response invalidated = client.post("/api/session/invalidate");
        assertEquals(204, invalidated.status());
        assertTrue(invalidated.endsId(), "an empty header ends the session for the client: " + invalidated.ids());
        assertEquals("{}", new HeaderClient(server(runtime), HEADER).withId(after).get("/api/session").body());
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void theHeaderWinsOverTheCookieAndLeavesTheCookieAlone(String runtime) {
        Browser browser = new Browser(server(runtime));
        browser.put("/api/session/who", "cookie");
        HeaderClient client = client(runtime);
        client.put("/api/session/who", "header");

        HeaderClient.Response both = client.send("PUT", "/api/session/more", "1", "session=" + browser.cookie().orElseThrow());
        assertEquals(204, both.status());
        assertEquals(List.of(), both.setCookies(), "the browser's cookie is not this session's to change");
        assertEquals(Map.of("who", "header", "more", "1"), jakarta.json.Json.createReader(new java.io.StringReader(
                client.get("/api/session").body())).readObject().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                Map.Entry::getKey, e -> ((jakarta.json.JsonString) e.getValue()).getString())));
        assertEquals("{\"who\":\"cookie\"}", browser.get("/api/session").body());

        HeaderClient forged = new HeaderClient(server(runtime), HEADER).withId("A".repeat(43) + "." + "A".repeat(43));
        assertEquals("{\"who\":\"cookie\"}", forged.send("GET", "/api/session", null, "session=" + browser.cookie().orElseThrow()).body(),
                "an invalid header: the valid cookie is used");
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void aCookieClientNeverSeesItsIdInAHeader(String runtime) {
        Browser browser = new Browser(server(runtime));
        browser.put("/api/session/a", "1");
        HeaderClient noHeader = new HeaderClient(server(runtime), HEADER);
        HeaderClient.Response regenerated = noHeader.send("POST", "/api/session/regenerate", "", "session=" + browser.cookie().orElseThrow());
        assertEquals(204, regenerated.status());
        assertEquals(List.of(), regenerated.ids(), "a script of the page could read an HttpOnly cookie's id from it");
        assertTrue(regenerated.setCookies().stream().anyMatch(c -> c.startsWith("session=")), "the cookie carries the new id");
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void theHttpSessionViewSeesTheHeadersIdAndChangeSessionIdAnswersInTheHeader(String runtime) {
        HeaderClient client = client(runtime);
        client.put("/api/session/a", "1");
        String signed = client.id().orElseThrow();
        assertEquals(idPart(signed) + " valid=true cookie=false url=false", client.get("/httpsession/requested").body());

        HeaderClient.Response changed = client.get("/httpsession/change-id");
        assertEquals("true", changed.body());
        assertEquals(1, changed.ids().size(), "the new id, in the header: " + changed.ids());
        assertNotEquals(signed, client.id().orElseThrow());
        assertEquals("{\"a\":\"1\"}", client.on(other(runtime)).get("/api/session").body());
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void hostileHeaderValuesAreNoSessionAndNeverAnError(String runtime) {
        HeaderClient victim = client(runtime);
        victim.put("/api/session/secret", "s");
        String valid = victim.id().orElseThrow();
        List<String> hostile = List.of("../../etc/passwd", "x".repeat(10_000), "x:*", "session:*", "' OR '1'='1",
                "{\"$gt\":\"\"}", "A".repeat(43), idPart(valid), idPart(valid) + ".", valid.substring(0, valid.length() - 2) + "AA",
                valid + "x", valid + ", " + valid, "\"" + valid + "\"", valid + " ; x=y", idPart(valid) + "." + "A".repeat(43));
        for (String value : hostile) {
            String shown = value.length() > 60 ? value.substring(0, 20) + "... (" + value.length() + " chars)" : value;
            HeaderClient attacker = new HeaderClient(server(runtime), HEADER).withId(value);
            HeaderClient.Response read = attacker.get("/api/session");
            assertEquals(200, read.status(), shown);
            assertEquals("{}", read.body(), shown);
            HeaderClient.Response put = attacker.put("/api/session/a", "1");
            assertEquals(204, put.status(), shown);
            String issued = attacker.id().orElseThrow();
            assertTrue(SIGNED_ID.matcher(issued).matches() && !issued.equals(value), "a fresh id, never the client's: " + shown);
        }
        assertEquals("{\"secret\":\"s\"}", victim.get("/api/session").body(), "the victim's session is untouched");
    }

    @Test
    void twoInstancesOfTheHeaderAreNoId() throws Exception {
        HeaderClient client = client("payara");
        client.put("/api/session/a", "1");
        String id = client.id().orElseThrow();
        for (AppServer server : List.of(payara, wildFly)) {
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(server.url("/api/session")).header(HEADER, id).header(HEADER, id).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("{}", response.body(), "which of two was meant is anyone's guess, so neither");
        }
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void fuzzedHeaderValuesNeverCauseAServerError(String runtime) throws Exception {
        RawHttp raw = new RawHttp(server(runtime));
        Random random = new Random(20261130);
        String[] seeds = {"x:*", "*", "../", "%00", "\\u0000", "'; DROP TABLE sessions; --", "{\"$ne\": null}", "\u00e9t\u00e9",
            "\u65e5\u672c", "a=b; c=d", "\"", ",", ";", "=", " ", "\t"};
        for (int i = 0; i < 150; i++) {
            byte[] value;
            if (i < seeds.length) {
                value = seeds[i].getBytes(StandardCharsets.UTF_8);
            } else if (i % 3 == 0) {
                value = new byte[1 + random.nextInt(64)];
                random.nextBytes(value);
                for (int b = 0; b < value.length; b++) {
                    if (value[b] == '\r' || value[b] == '\n') {
                        value[b] = 'x'; // a line break would end the header, not fuzz its value
                    }
                }
            } else {
                StringBuilder text = new StringBuilder();
                int length = i % 7 == 0 ? 6_000 : 1 + random.nextInt(100);
                for (int c = 0; c < length; c++) {
                    text.append((char) (0x21 + random.nextInt(0x5e)));
                }
                value = text.toString().getBytes(StandardCharsets.US_ASCII);
            }
            int status = raw.getWithHeader("/api/session", HEADER, value);
            assertTrue(status == 200 || status == 400, "header value #" + i + " gave " + status);
        }
        HeaderClient client = new HeaderClient(server(runtime), HEADER).withId("x:*");
        assertEquals(204, client.put("/api/session/a", "1").status());
        assertTrue(SIGNED_ID.matcher(client.id().orElseThrow()).matches());
        assertFalse(server(runtime).log().contains("at dev.serversessions.internal.web.SessionIdHeader"), "no stack trace in the log");
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void aHeaderClientLogsInAndIsKnownOnBothRuntimes(String runtime) {
        HeaderClient client = client(runtime);
        client.put("/api/session/before", "1");
        String anonymous = client.id().orElseThrow();
        HeaderClient.Response login = client.send("POST", "/api/login?username=alice&password=alice-secret", "", null);
        assertEquals(204, login.status(), login.body());
        String loggedIn = client.id().orElseThrow();
        assertNotEquals(anonymous, loggedIn, "the login gave the session a new id, in the header");
        assertEquals(List.of(), login.setCookies().stream().filter(c -> c.startsWith("session")).toList(),
                "no cookie, not even the login hint, for a header client");
        for (AppServer server : List.of(payara, wildFly)) {
            HeaderClient.Response whoami = client.on(server).get("/api/whoami");
            assertTrue(whoami.body().contains("\"user\":\"alice\""), whoami.body());
            assertEquals(200, client.on(server).get("/api/admin").status(), "role admin from the session alone");
        }
        client.post("/api/logout");
        assertTrue(client.on(other(runtime)).get("/api/whoami").body().contains("\"user\":null"));
    }

    // ---- part 3: the application's classes and records in the json format ----

    private static String cartQuery(String sku, int quantity) {
        return "?sku=" + URLEncoder.encode(sku, StandardCharsets.UTF_8) + "&quantity=" + quantity;
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void aPojoWithRecordsADateAndAnEnumWrittenByOneRuntimeIsBoundByTheOther(String runtime) {
        Browser browser = new Browser(server(runtime));
        assertEquals("applex2 on 2026-12-24 in GIFT_BOX",
                browser.put("/json/cart" + cartQuery("apple", 2) + "&delivery=2026-12-24&wrapping=GIFT_BOX", "").body());
        Browser there = browser.on(other(runtime));
        assertEquals("applex2 on 2026-12-24 in GIFT_BOX", there.get("/json/cart").body());
        assertEquals("map {delivery=2026-12-24, items=[{quantity=2, sku=apple}], wrapping=GIFT_BOX}",
                there.get("/json/generic?name=cart").body(), "get(name) is the generic JSON structure");

        assertEquals(204, there.send("PUT", "/json/item" + cartQuery("pear", 3), "").status());
        assertEquals("JsonItem[sku=pear, quantity=3]", browser.get("/json/item").body(), "a record, bound on the first runtime");
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void aBoundObjectChangedInPlaceIsSavedAndAnUnchangedOneIsNotWritten(String runtime) throws Exception {
        Browser browser = new Browser(server(runtime));
        browser.put("/json/cart" + cartQuery("apple", 2) + "&delivery=2026-12-24&wrapping=PAPER", "");
        browser.get("/json/cart"); // scripts cached on this Redis, connections pooled
        try (RedisMonitor monitor = new RedisMonitor(redis.port(), null)) {
            monitor.commandsSinceLastMark();
            assertEquals("applex2 on 2026-12-24 in PAPER", browser.get("/json/cart").body());
            List<RedisMonitor.Command> read = monitor.commandsSinceLastMark();
            assertTrue(read.stream().noneMatch(c -> c.name().equalsIgnoreCase("HSET")), "a bound, unchanged cart is not rewritten: " + read);

            assertEquals("applex2 pearx5 on 2026-12-24 in PAPER", browser.send("POST", "/json/cart/add" + cartQuery("pear", 5), "").body());
            List<RedisMonitor.Command> change = monitor.commandsSinceLastMark();
            assertTrue(change.stream().anyMatch(c -> c.name().equalsIgnoreCase("HSET")), "the in-place change is written: " + change);
        }
        assertEquals("applex2 pearx5 on 2026-12-24 in PAPER", browser.on(other(runtime)).get("/json/cart").body());
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void valuesJsonBCannotReadBackAreRefusedAtPutNamingTheAttributeAndWhy(String runtime) {
        Browser browser = new Browser(server(runtime));
        Browser.Response loop = browser.put("/json/refused/loop", "");
        assertEquals(422, loop.status(), loop.body());
        assertTrue(loop.body().contains("'refused'") && loop.body().contains("JsonObjectsServlet$Loop"), loop.body());
        Browser.Response constructor = browser.put("/json/refused/constructor", "");
        assertEquals(422, constructor.status(), constructor.body());
        assertTrue(constructor.body().contains("'refused'") && constructor.body().contains("@JsonbCreator"), constructor.body());
        assertFalse(browser.cookie().isPresent(), "nothing was stored");
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void aDocumentEditedInTheStoreByAnotherProgramIsReadAsEdited(String runtime) {
        Browser browser = new Browser(server(runtime));
        browser.put("/json/cart" + cartQuery("apple", 2) + "&delivery=2026-12-24&wrapping=PAPER", "");
        String id = idPart(browser.cookie().orElseThrow());
        byte[] key = PrivateIds.key("session:", id).getBytes(StandardCharsets.UTF_8);
        byte[] field = "a:cart".getBytes(StandardCharsets.UTF_8);
        try (Jedis jedis = redis.admin()) {
            String stored = new String(jedis.hget(key, field), StandardCharsets.UTF_8);
            assertTrue(stored.startsWith("{") && stored.contains("\"sku\":\"apple\""), "plain JSON in the store: " + stored);
            assertFalse(stored.contains("dev.serversessions"), "no class name in the store: " + stored);
            // what a Python or Node program would write: its own formatting, another order, a new item
            jedis.hset(key, field, ("{ \"wrapping\": \"GIFT_BOX\", \"items\": [ {\"sku\": \"apple\", \"quantity\": 7},"
                    + " {\"quantity\": 1, \"sku\": \"\u00e9clair\"} ], \"delivery\": \"2027-01-02\" }").getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("applex7 \u00e9clairx1 on 2027-01-02 in GIFT_BOX", browser.get("/json/cart").body());
        assertEquals("applex7 \u00e9clairx1 on 2027-01-02 in GIFT_BOX", browser.on(other(runtime)).get("/json/cart").body());
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void aDocumentThatNamesAClassInstantiatesNothing(String runtime) {
        Browser browser = new Browser(server(runtime));
        browser.put("/json/cart" + cartQuery("apple", 2) + "&delivery=2026-12-24&wrapping=PAPER", "");
        String id = idPart(browser.cookie().orElseThrow());
        try (Jedis jedis = redis.admin()) {
            jedis.hset(PrivateIds.key("session:", id).getBytes(StandardCharsets.UTF_8), "a:cart".getBytes(StandardCharsets.UTF_8),
                    ("{\"@class\":\"java.lang.ProcessBuilder\",\"@type\":\"java.net.URL\",\"items\":[{\"@class\":\"java.io.File\","
                    + "\"sku\":\"a\",\"quantity\":1}],\"delivery\":\"2026-12-24\",\"wrapping\":\"PAPER\"}").getBytes(StandardCharsets.UTF_8));
        }
        Browser.Response read = browser.get("/json/cart");
        assertEquals(200, read.status(), read.body());
        assertEquals("ax1 on 2026-12-24 in PAPER", read.body(), "bound to the class the application named, the rest ignored");
    }
}
