package dev.serversessions.internal.backend.memcached;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import net.spy.memcached.BinaryConnectionFactory;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.KetamaNodeLocator;
import net.spy.memcached.MemcachedConnection;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import net.spy.memcached.OperationFactory;
import net.spy.memcached.ops.OperationCallback;
import net.spy.memcached.ops.OperationStatus;

/**
 * How the backend's own client talks to memcached.
 *
 * <ul>
 * <li>Binary protocol: it has get-and-touch and delete-if-unchanged (CAS), which the text
 *     protocol of spymemcached lacks.</li>
 * <li>Ketama consistent hashing: adding or removing a node moves only that node's share of
 *     sessions, as other memcached clients (libmemcached, pylibmc) do it.</li>
 * <li>{@link FailureMode#Redistribute}: commands for a node whose connection is down go to the
 *     next live node on the ring at once. A session that lived on a dead node is then simply
 *     not found there, so its request starts a fresh session instead of waiting out the
 *     timeout or failing; new sessions are stored on the live nodes. ({@code Cancel} would
 *     fail every request that touches the dead node's share, including brand-new sessions
 *     whose fresh id happens to hash there; {@code Retry} would make them wait for the
 *     timeout.)</li>
 * <li>The operation timeout is {@code SESSION_MEMCACHED_TIMEOUT_MS}; reconnects are tried every
 *     second, so a restarted node is back in use within about a second.</li>
 * <li>Idle connections are pinged (a binary no-op, counted in no memcached statistic) once a
 *     second: spymemcached only reads from a connection that has a command in flight, so
 *     without the ping a node restarted while no request used it would be found dead by the
 *     next request, costing that request the timeout.</li>
 * </ul>
 */
final class SessionConnectionFactory extends BinaryConnectionFactory {
    /**
     * spymemcached drops a node's connection (and redistributes its share until it reconnects)
     * after more than this many timeouts in a row: a node that hangs with its connections open
     * is noticed no other way.
     */
    private static final int TIMEOUTS_BEFORE_RECONNECT = 4;
    private final long timeoutMillis;

    SessionConnectionFactory(Duration timeout) {
        super(DEFAULT_OP_QUEUE_LEN, DEFAULT_READ_BUFFER_SIZE, DefaultHashAlgorithm.KETAMA_HASH);
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public NodeLocator createLocator(List<MemcachedNode> nodes) {
        return new KetamaNodeLocator(nodes, getHashAlg());
    }

    @Override
    public FailureMode getFailureMode() {
        return FailureMode.Redistribute;
    }

    @Override
    public long getOperationTimeout() {
        return timeoutMillis;
    }

    @Override
    public long getOpQueueMaxBlockTime() {
        return timeoutMillis;
    }

    @Override
    public long getMaxReconnectDelay() {
        return 1; // seconds, spymemcached's smallest
    }

    @Override
    public int getTimeoutExceptionThreshold() {
        return TIMEOUTS_BEFORE_RECONNECT;
    }

    @Override
    public boolean isDaemon() {
        return true; // never keep a stopping server alive
    }

    @Override
    public MemcachedConnection createConnection(List<InetSocketAddress> addresses) throws IOException {
        return new PingingConnection(getReadBufSize(), this, addresses, getInitialObservers(), getFailureMode(),
                getOperationFactory());
    }

    /** A connection set that pings idle nodes, so that dead connections are noticed between requests. */
    private static final class PingingConnection extends MemcachedConnection {
        private static final long IDLE_MILLIS = 1000;
        private static final OperationCallback IGNORED = new OperationCallback() {
            @Override
            public void receivedStatus(OperationStatus status) {
                // a ping only has to reach the wire: a dead peer shows up as a failed read
            }

            @Override
            public void complete() {
                // nothing waits for a ping
            }
        };
        /** Null until the constructor is done: the superclass starts the I/O thread before. */
        private volatile OperationFactory operations;

        PingingConnection(int bufferSize, ConnectionFactory factory, List<InetSocketAddress> addresses,
                Collection<ConnectionObserver> observers, FailureMode failureMode, OperationFactory operations)
                throws IOException {
            super(bufferSize, factory, addresses, observers, failureMode, operations);
            this.operations = operations;
        }

        /** Called on the I/O thread when a second passed without any I/O. */
        @Override
        protected void handleWokenUpSelector() {
            OperationFactory factory = operations;
            if (factory == null || shutDown) {
                return;
            }
            for (MemcachedNode node : locator.getAll()) {
                if (node.isActive() && !node.hasReadOp() && !node.hasWriteOp() && node.lastReadDelta() >= IDLE_MILLIS) {
                    addOperation(node, factory.noop(IGNORED));
                }
            }
        }
    }
}
