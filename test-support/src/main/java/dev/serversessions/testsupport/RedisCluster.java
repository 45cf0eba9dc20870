package dev.serversessions.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import redis.clients.jedis.Jedis;

/** A Redis Cluster of three masters on loopback ports, created with {@code redis-cli --cluster create}. */
public final class RedisCluster implements AutoCloseable {
    private final List<RedisServer> nodes = new ArrayList<>();

    public RedisCluster(Path dir) {
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(RedisServer.start(dir, RedisServer.freeClusterPort(), "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
            create.add("--cluster-yes");
            Process cli = new ProcessBuilder(create).redirectErrorStream(true).start();
            if (!cli.waitFor(60, TimeUnit.SECONDS) || cli.exitValue() != 0) {
                cli.destroyForcibly();
                throw new AssertionError(String.join(" ", create) + " failed:\n"
                        + new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            awaitClusterOk();
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            close();
            throw new AssertionError("could not set up a Redis Cluster: " + e, e);
        }
    }

    private void awaitClusterOk() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            boolean ok = nodes.stream().allMatch(n -> {
                try (Jedis admin = n.admin()) {
                    return admin.clusterInfo().contains("cluster_state:ok");
                }
            });
            if (ok) {
                return;
            }
            RedisServer.sleep(100);
        }
        throw new AssertionError("the cluster did not reach cluster_state:ok in 30 s");
    }

    public List<RedisServer> nodes() {
        return nodes;
    }

    /** The seed list as SESSION_REDIS takes it in cluster mode. */
    public String seeds() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    /** Kills every node, as a power cut would. */
    public void killAll() {
        nodes.forEach(RedisServer::kill);
    }

    /** Starts every node again with its data and cluster configuration, and waits until it serves. */
    public void restartAll() {
        nodes.forEach(RedisServer::restart);
        awaitClusterOk();
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}
