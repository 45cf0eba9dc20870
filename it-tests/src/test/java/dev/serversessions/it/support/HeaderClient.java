package dev.serversessions.it.support;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A REST or mobile client that keeps no cookies: it sends the session id in a request header
 * and takes a new one (or an empty one: the session ended) from the same response header.
 */
public final class HeaderClient {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpTarget server;
    private final String header;
    private String id;

    public HeaderClient(HttpTarget server, String header) {
        this.server = server;
        this.header = header;
    }

    /** The same client talking to another server. */
    public HeaderClient on(HttpTarget other) {
        HeaderClient client = new HeaderClient(other, header);
        client.id = id;
        return client;
    }

    public Optional<String> id() {
        return Optional.ofNullable(id);
    }

    /** Forges the id it sends, as an attacker or a stale client would. */
    public HeaderClient withId(String value) {
        this.id = value;
        return this;
    }

    public Response get(String path) {
        return send("GET", path, null, null);
    }

    public Response put(String path, String body) {
        return send("PUT", path, body, null);
    }

    public Response post(String path) {
        return send("POST", path, "", null);
    }

    /** Sends the request with a {@code Cookie} header too, as a browser that also holds a cookie would. */
    public Response send(String method, String path, String body, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (id != null) {
            request.header(header, id);
        }
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            List<String> ids = response.headers().allValues(header);
            if (!ids.isEmpty()) {
                String value = ids.get(ids.size() - 1);
                id = value.isEmpty() ? null : value;
            }
            return new Response(response.statusCode(), response.body(), ids, response.headers().allValues("Set-Cookie"),
                    response.headers().allValues("Cache-Control"));
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** What came back: status, body, the id header's values and the Set-Cookie headers. */
    public record Response(int status, String body, List<String> ids, List<String> setCookies, List<String> cacheControl) {
        public boolean setsId() {
            return ids.stream().anyMatch(v -> !v.isEmpty());
        }

        public boolean endsId() {
            return ids.equals(List.of(""));
        }
    }
}
