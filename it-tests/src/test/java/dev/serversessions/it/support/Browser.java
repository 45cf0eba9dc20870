package dev.serversessions.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A client with one cookie, the session cookie, handled the way a browser does: sent back as
 * received, replaced by a new Set-Cookie, dropped when expired. Tests can also forge it.
 */
public final class Browser {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpTarget server;
    private final String cookieName;
    private String cookieValue;

    public Browser(HttpTarget server) {
        this(server, "session");
    }

    public Browser(HttpTarget server, String cookieName) {
        this.server = server;
        this.cookieName = cookieName;
    }

    /** The same client talking to another server (a second node behind a load balancer). */
    public Browser on(HttpTarget other) {
        Browser browser = new Browser(other, cookieName);
        browser.cookieValue = cookieValue;
        return browser;
    }

    public Optional<String> cookie() {
        return Optional.ofNullable(cookieValue);
    }

    /** Forges the cookie, as an attacker or a stale browser would send it. */
    public Browser withCookie(String value) {
        this.cookieValue = value;
        return this;
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response put(String path, String body) {
        return send("PUT", path, body);
    }

    public Response post(String path) {
        return send("POST", path, "");
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    public Response send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (cookieValue != null) {
            request.header("Cookie", cookieName + "=" + cookieValue);
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            List<String> setCookies = response.headers().allValues("Set-Cookie").stream()
                    .filter(c -> c.startsWith(cookieName + "=")).toList();
            for (String setCookie : setCookies) {
                String value = setCookie.substring(cookieName.length() + 1).split(";", 2)[0];
                cookieValue = setCookie.contains("Max-Age=0") || value.isEmpty() ? null : value;
            }
            return new Response(response.statusCode(), response.body(), setCookies,
                    response.headers().firstValue("Location").orElse(null), response.headers().allValues("Set-Cookie"));
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** What came back: status, body and our cookie's Set-Cookie headers (and every Set-Cookie header). */
    public record Response(int status, String body, List<String> setCookies, String location, List<String> allSetCookies) {
        /** Whether the runtime created its own session (JSESSIONID) in this response. */
        public boolean setsContainerSessionCookie() {
            return allSetCookies.stream().anyMatch(c -> c.startsWith("JSESSIONID="));
        }

        public boolean setsCookie() {
            return setCookies.stream().anyMatch(c -> !c.contains("Max-Age=0"));
        }

        public boolean expiresCookie() {
            return setCookies.stream().anyMatch(c -> c.contains("Max-Age=0"));
        }

        public String setCookie() {
            return setCookies.isEmpty() ? null : setCookies.get(setCookies.size() - 1);
        }
    }
}
