package dev.serversessions.bench;

import dev.serversessions.it.support.PayaraMicro;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * One user with many sessions, among the population of the capacity run: {@code count} logins
 * of the example's {@code alice} over HTTP (16 at a time), then her list ({@code GET
 * /api/my-sessions}) and "log out everywhere" ({@code POST /api/my-sessions/revoke-all}), each
 * timed, with what the store counted for each where it counts ({@link CapacityStore#calls}).
 */
final class CapacityUser {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final PayaraMicro server;

    CapacityUser(PayaraMicro server) {
        this.server = server;
    }

    /** A markdown row: the logins, the list and the logout, timed. */
    String measure(CapacityStore store, int count) throws Exception {
        long t = System.nanoTime();
        List<String> cookies = login(count);
        String logins = seconds(System.nanoTime() - t);
        String cookie = cookies.get(cookies.size() - 1);

        java.util.Map<String, Long> before = store.calls();
        t = System.nanoTime();
        HttpResponse<String> list = http.send(get("/api/my-sessions", cookie), HttpResponse.BodyHandlers.ofString());
        String listed = seconds(System.nanoTime() - t);
        String listCalls = CapacityStore.difference(before, store.calls());
        int entries = count(list.body(), "\"tag\"");

        before = store.calls();
        t = System.nanoTime();
        HttpResponse<String> revoke = http.send(HttpRequest.newBuilder(server.url("/api/my-sessions/revoke-all"))
                .header("Cookie", cookie).POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        String revoked = seconds(System.nanoTime() - t);
        String revokeCalls = CapacityStore.difference(before, store.calls());
        int after = http.send(get("/api/my-sessions", cookies.get(0)), HttpResponse.BodyHandlers.ofString()).statusCode();
        return String.format("| %s | %,d logins in %s | %d, %,d listed, in %s; store: %s | %d in %s; store: %s | %d |", store.name, count,
                logins, list.statusCode(), entries, listed, listCalls, revoke.statusCode(), revoked, revokeCalls, after);
    }

    private List<String> login(int count) throws Exception {
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<String>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            HttpRequest request = HttpRequest.newBuilder(server.url("/api/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=alice&password=alice-secret")).build();
            all.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> inFlight.release())
                    .thenApply(CapacityUser::sessionCookie));
        }
        List<String> cookies = new ArrayList<>();
        for (CompletableFuture<String> one : all) {
            cookies.add(one.get());
        }
        return cookies;
    }

    private static String sessionCookie(HttpResponse<?> response) {
        if (response.statusCode() != 204) {
            throw new IllegalStateException("a login answered " + response.statusCode());
        }
        for (String header : response.headers().allValues("set-cookie")) {
            if (header.startsWith("session=")) {
                return header.split(";", 2)[0];
            }
        }
        throw new IllegalStateException("a login set no session cookie: " + response.headers().map());
    }

    private HttpRequest get(String path, String cookie) throws Exception {
        return HttpRequest.newBuilder(server.url(path)).header("Cookie", cookie).timeout(Duration.ofMinutes(10)).GET().build();
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static String seconds(long nanos) {
        return String.format("%.2f s", nanos / 1e9);
    }

}
