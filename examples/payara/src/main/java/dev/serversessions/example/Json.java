package dev.serversessions.example;

import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Writes a map of attributes as a JSON object of strings, the API's one response format. */
final class Json {
    /**
     * Made once: each {@code jakarta.json.Json.createObjectBuilder()} looks the provider up
     * through {@code ServiceLoader}, which under load costs more than the whole session.
     */
    static final JsonBuilderFactory BUILDERS = jakarta.json.Json.createBuilderFactory(Map.of());

    private Json() {
    }

    static void writeStrings(HttpServletResponse response, Map<String, ?> attributes) throws IOException {
        JsonObjectBuilder object = BUILDERS.createObjectBuilder();
        new TreeMap<>(attributes).forEach((name, value) -> object.add(name, String.valueOf(value)));
        byte[] body = object.build().toString().getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    static String readBody(jakarta.servlet.http.HttpServletRequest request) throws IOException {
        return new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
