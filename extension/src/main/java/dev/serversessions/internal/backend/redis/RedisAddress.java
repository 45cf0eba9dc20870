package dev.serversessions.internal.backend.redis;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;

/**
 * What {@code SESSION_REDIS} says: {@code redis[s]://[[user]:password@]host[:port][,host[:port]...][/db]},
 * the scheme optional. One host for a standalone server; the seed nodes of a cluster or the
 * sentinels otherwise.
 *
 * @param tls      whether the scheme was {@code rediss://}
 * @param user     the ACL user, or empty for the default user
 * @param password the password, or empty
 * @param nodes    at least one host and port
 * @param database the logical database, 0 unless the URI has a path
 */
record RedisAddress(boolean tls, Optional<String> user, Optional<String> password, List<HostAndPort> nodes, int database) {
    /*
     * The user information runs to the last '@': a host, port or database number never holds
     * one, and a password may hold '/', ':', '?' or '#' unencoded; so splitting there never
     * mistakes a piece of the password for the host (and so never logs it as one).
     */
    private static final Pattern URI = Pattern.compile("(?s)(?:(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?"
            + "(?:(?<userinfo>.*)@)?(?<hosts>[^/?#@]*)(?:/(?<db>[^?#@]*))?(?<rest>[?#][^@]*)?");
    private static final Pattern SCHEME = Pattern.compile("\\A[A-Za-z][A-Za-z0-9+.-]*://");
    private static final Pattern USERINFO = Pattern.compile("\\A([^:]*)(?::(.*))?\\z");

    /** The value as it may be logged: user and password replaced by {@code ***}. */
    static String redact(String value) {
        String trimmed = value.trim();
        int at = trimmed.lastIndexOf('@');
        if (at < 0) {
            return trimmed;
        }
        Matcher scheme = SCHEME.matcher(trimmed);
        return (scheme.find() ? scheme.group() : "") + "***" + trimmed.substring(at);
    }

    /**
     * Parses {@code value}; every port defaults to {@code defaultPort}.
     *
     * @throws IllegalArgumentException with what is wrong, phrased to follow {@code KEY=value}
     */
    static RedisAddress parse(String value, int defaultPort) {
        Matcher m = URI.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("is not a Redis URL");
        }
        String scheme = m.group("scheme") == null ? "redis" : m.group("scheme").toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("has the scheme " + scheme + "://; use redis:// or rediss:// (TLS)");
        }
        if (m.group("rest") != null) {
            throw new IllegalArgumentException("has URL options (" + m.group("rest")
                    + "); they are not read: use the SESSION_REDIS_* keys instead");
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (m.group("userinfo") != null) {
            if (m.group("userinfo").indexOf('@') >= 0) {
                throw new IllegalArgumentException("has an '@' in its user or password; write it as %40 there");
            }
            Matcher info = USERINFO.matcher(m.group("userinfo"));
            info.matches();
            user = Optional.of(decode(info.group(1))).filter(s -> !s.isEmpty());
            password = Optional.ofNullable(info.group(2)).map(RedisAddress::decode);
        }
        List<HostAndPort> nodes = new ArrayList<>();
        for (String part : m.group("hosts").split(",", -1)) {
            nodes.add(hostAndPort(part.trim(), defaultPort));
        }
        int database = 0;
        String db = m.group("db");
        if (db != null && !db.isEmpty()) {
            if (!db.matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("has the path /" + db + "; the path is a database number (e.g. /0)");
            }
            database = Integer.parseInt(db);
        }
        return new RedisAddress(scheme.equals("rediss"), user, password, List.copyOf(nodes), database);
    }

    private static HostAndPort hostAndPort(String text, int defaultPort) {
        String host = text;
        int port = defaultPort;
        int colon = text.lastIndexOf(':');
        boolean bracketed = text.startsWith("[");
        if (!bracketed && colon != text.indexOf(':')) {
            throw new IllegalArgumentException("has the host '" + text + "'; an IPv6 address goes in brackets ([::1]:6379)");
        }
        if (colon >= 0 && (!bracketed || text.lastIndexOf(']') < colon)) {
            host = text.substring(0, colon);
            String digits = text.substring(colon + 1);
            port = digits.matches("[0-9]{1,5}") ? Integer.parseInt(digits) : -1;
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("has the port '" + digits + "' in '" + text + "'; a port is 1 to 65535");
            }
        }
        if (bracketed && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isBlank() || host.contains(" ") || host.contains("[") || host.contains("]")) {
            throw new IllegalArgumentException("has no valid host in '" + text + "' (expected host:port, e.g. 127.0.0.1:6379)");
        }
        return new HostAndPort(host, port);
    }

    /** Percent-decoding; the driver's message would quote the text, so a bad escape is reported without it. */
    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("has a '%' in its user or password that starts no %XX escape; write a % there as %25");
        }
    }

    /** The nodes as {@code host:port,host:port}, for logs. */
    String nodeList() {
        return nodes.stream().map(n -> (n.getHost().contains(":") ? "[" + n.getHost() + "]" : n.getHost()) + ":" + n.getPort())
                .collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://") + nodeList() + "/" + database;
    }
}
