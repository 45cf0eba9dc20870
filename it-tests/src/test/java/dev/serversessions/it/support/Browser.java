package dev.serversessions.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A client with a cookie jar, handled the way a browser does: every cookie sent back as
 * received, replaced by a new Set-Cookie, dropped when expired. The session cookie is the one
 * tests read and can forge; the others (the login hint) travel along.
 */
public final class Browser {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpTarget server;
    private final String cookieName;
    private String cookieValue;
    private final Map<String, String> otherCookies = new LinkedHashMap<>();

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
        browser.otherCookies.putAll(otherCookies);
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

    /** Also sends cookie {@code name}, as a client that kept it would. */
    public Browser withOtherCookie(String name, String value) {
        otherCookies.put(name, value);
        return this;
    }

    /** The cookies other than the session cookie this browser holds, by name. */
    public Map<String, String> otherCookies() {
        return Map.copyOf(otherCookies);
    }

    /** Posts a form ({@code application/x-www-form-urlencoded}) of name, value pairs. */
    public Response postForm(String path, String... namesAndValues) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.append(form.length() == 0 ? "" : "&").append(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return send("POST", path, form.toString(), "application/x-www-form-urlencoded", Map.of());
    }

    /** A GET with one more request header (e.g. {@code Authorization}) on this request only. */
    public Response get(String path, String header, String value) {
        return send("GET", path, null, null, Map.of(header, value));
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
        return send(method, path, body, null, Map.of());
    }

    private Response send(String method, String path, String body, String contentType, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        List<String> cookies = new ArrayList<>();
        if (cookieValue != null) {
            cookies.add(cookieName + "=" + cookieValue);
        }
        otherCookies.forEach((name, value) -> cookies.add(name + "=" + value));
        if (!cookies.isEmpty()) {
            request.header("Cookie", String.join("; ", cookies));
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            List<String> allSetCookies = response.headers().allValues("Set-Cookie");
            List<String> setCookies = allSetCookies.stream().filter(c -> c.startsWith(cookieName + "=")).toList();
            for (String setCookie : allSetCookies) {
                int equals = setCookie.indexOf('=');
                String name = setCookie.substring(0, equals).trim();
                String value = setCookie.substring(equals + 1).split(";", 2)[0];
                boolean gone = setCookie.contains("Max-Age=0") || value.isEmpty();
                if (name.equals(cookieName)) {
                    cookieValue = gone ? null : value;
                } else if (gone) {
                    otherCookies.remove(name);
                } else {
                    otherCookies.put(name, value);
                }
            }
            return new Response(response.statusCode(), response.body(), setCookies,
                    response.headers().firstValue("Location").orElse(null), allSetCookies);
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
