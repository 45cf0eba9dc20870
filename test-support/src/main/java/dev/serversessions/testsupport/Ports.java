package dev.serversessions.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for the servers tests start.
 *
 * <p>Ports come from below Linux's ephemeral range (32768-60999 here): a port the kernel handed
 * out with {@code bind(0)} is also one it may give any outgoing connection (a Jedis pool, an HTTP
 * client) as its source port before the server we start binds it, and that server then fails
 * with "Address already in use". A port is never handed out twice by one test JVM.
 */
public final class Ports {
    private static final int LOW = 20000;
    private static final int HIGH = 32000;
    /**
     * Test JVMs that run side by side (Surefire's and Failsafe's forks, numbered from 1 in the
     * system property {@code testsupport.fork}) each take their own quarter of the range, so two
     * of them never pick the same port between one's check and its server's bind.
     */
    private static final int FORK_BLOCKS = 4;
    private static final int[] RANGE = range(System.getProperty("testsupport.fork"));
    private static final Set<Integer> GIVEN = new HashSet<>();

    static int[] range(String fork) {
        if (fork == null || !fork.matches("[1-9][0-9]{0,3}")) {
            return new int[] {LOW, HIGH};
        }
        int size = (HIGH - LOW) / FORK_BLOCKS;
        int block = (Integer.parseInt(fork) - 1) % FORK_BLOCKS;
        return new int[] {LOW + block * size, LOW + (block + 1) * size};
    }

    private Ports() {
    }

    public static synchronized int free() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(RANGE[0], RANGE[1]);
            if (GIVEN.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            } catch (IOException e) {
                continue;
            }
            GIVEN.add(port);
            return port;
        }
        throw new IllegalStateException("no free loopback port between " + RANGE[0] + " and " + RANGE[1]);
    }
}
