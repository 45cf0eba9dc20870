package dev.serversessions.internal.backend.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script run by its SHA-1 ({@code EVALSHA}), so that a request sends a few bytes instead of
 * the script. A server that does not know it yet (first use, restart, failover, another cluster
 * node, {@code SCRIPT FLUSH}) answers NOSCRIPT, and the script is then sent once with
 * {@code EVAL}, which also caches it there. Every script touches the one key it declares, so it
 * runs on whichever cluster node owns that key.
 */
final class RedisScript {
    private final byte[] text;
    private final byte[] sha;

    RedisScript(String text) {
        this.text = text.getBytes(StandardCharsets.UTF_8);
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(this.text))
                    .getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }

    Object run(UnifiedJedis client, List<byte[]> keys, List<byte[]> args) {
        try {
            return client.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            return client.eval(text, keys, args);
        }
    }

    /** The SHA-1 Redis knows the script by, as hex. */
    String sha() {
        return new String(sha, StandardCharsets.US_ASCII);
    }
}
