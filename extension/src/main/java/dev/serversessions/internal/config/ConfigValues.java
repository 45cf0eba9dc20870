package dev.serversessions.internal.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Typed access to the keys of one {@link SettingsSource} that collects every problem instead of
 * stopping at the first, so that a deployment fails once with all of them listed.
 *
 * <p>Each problem is one line naming the key, the bad value and what is allowed:
 * {@code SESSION_FILE_MODE=0999 is not an octal file mode (e.g. 0600)}.
 */
public final class ConfigValues {
    private final SettingsSource source;
    private final List<String> problems = new ArrayList<>();

    public ConfigValues(SettingsSource source) {
        this.source = source;
    }

    /** The raw value, trimmed, or empty. */
    public Optional<String> raw(String key) {
        return source.get(key).map(String::trim);
    }

    /** A text value. */
    public String string(String key, String defaultValue) {
        return raw(key).orElse(defaultValue);
    }

    /** A text value that may be unset. */
    public Optional<String> optionalString(String key) {
        return raw(key);
    }

    /** {@code true}/{@code false}, case-insensitive (also yes/no, 1/0, on/off). */
    public boolean bool(String key, boolean defaultValue) {
        return raw(key).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> {
                problem(key, v, "is not a boolean (true or false)");
                yield defaultValue;
            }
        }).orElse(defaultValue);
    }

    /** A whole number not below {@code min}. */
    public long number(String key, long defaultValue, long min) {
        return optionalNumber(key, min).orElse(defaultValue);
    }

    /** A whole number not below {@code min}, or empty when unset. */
    public Optional<Long> optionalNumber(String key, long min) {
        Optional<String> raw = raw(key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            long value = Long.parseLong(raw.get());
            if (value < min) {
                problem(key, raw.get(), "must be a whole number of at least " + min);
                return Optional.empty();
            }
            return Optional.of(value);
        } catch (NumberFormatException e) {
            problem(key, raw.get(), "is not a whole number (" + min + " or more)");
            return Optional.empty();
        }
    }

    /**
     * A whole number from {@code min} to {@code max}, or {@code defaultValue} when unset or wrong.
     * Below {@code min} or not a number is reported as by {@link #number}; above {@code max} as
     * {@code KEY=value whatIsAllowed}, e.g. "must be a number of seconds from 1 to 3600".
     */
    public long numberInRange(String key, long defaultValue, long min, long max, String whatIsAllowed) {
        long value = number(key, defaultValue, min);
        if (value > max) {
            problem(key, String.valueOf(value), whatIsAllowed);
            return defaultValue;
        }
        return value;
    }

    /** One of the constants of {@code type}, matched case-insensitively on {@code name()}. */
    public <E extends Enum<E>> E choice(String key, E defaultValue, Class<E> type) {
        return choice(key, defaultValue, type, e -> e.name().toLowerCase(Locale.ROOT));
    }

    /** One of the constants of {@code type}, matched case-insensitively on {@code nameOf}. */
    public <E extends Enum<E>> E choice(String key, E defaultValue, Class<E> type, Function<E, String> nameOf) {
        Optional<String> raw = raw(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        for (E constant : type.getEnumConstants()) {
            if (nameOf.apply(constant).equalsIgnoreCase(raw.get())) {
                return constant;
            }
        }
        problem(key, raw.get(), "is not one of " + Arrays.stream(type.getEnumConstants())
                .map(nameOf).collect(Collectors.joining(", ")));
        return defaultValue;
    }

    /** A URI with one of the given schemes. */
    public Optional<URI> uri(String key, String defaultValue, String... schemes) {
        String value = string(key, defaultValue);
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (Arrays.asList(schemes).contains(scheme) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below, with the value and what is allowed
        }
        problem(key, value, "is not a URL of the form " + String.join(" or ", Arrays.stream(schemes)
                .map(s -> s + "://host:port").toList()));
        return Optional.empty();
    }

    /**
     * A comma list of {@code host:port} addresses, each port in 1..65535.
     */
    public List<HostAndPort> hostList(String key, String defaultValue) {
        String value = string(key, defaultValue);
        List<HostAndPort> hosts = new ArrayList<>();
        for (String part : value.split(",")) {
            Optional<HostAndPort> hostAndPort = HostAndPort.parse(part.trim());
            if (hostAndPort.isEmpty()) {
                problem(key, value, "is not a comma list of host:port (e.g. 127.0.0.1:11211)");
                return List.of();
            }
            hosts.add(hostAndPort.get());
        }
        return hosts;
    }

    /** Records a problem with a key's value. */
    public void problem(String key, String value, String whatIsWrong) {
        problems.add(key + "=" + value + " " + whatIsWrong);
    }

    /** Records a problem that is not about one value (a missing key, a missing library). */
    public void problem(String message) {
        problems.add(message);
    }

    /** Every problem found so far, in the order found. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Throws {@link InvalidSettingsException} listing every problem, if there is any. */
    public void throwIfInvalid() {
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
    }

    /** A host and port of a comma list. */
    public record HostAndPort(String host, int port) {
        static Optional<HostAndPort> parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                return Optional.empty();
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                int port = Integer.parseInt(text.substring(colon + 1));
                return port >= 1 && port <= 65535 && !host.isBlank() && !host.contains(" ")
                        ? Optional.of(new HostAndPort(host, port)) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
