package dev.serversessions.bench;

import dev.serversessions.internal.session.SessionIds;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Id generation, and the cookie check every request with a cookie pays before any store call. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SessionIdBenchmark {
    private final SessionIds unsigned = new SessionIds(32, null);
    private final SessionIds signed = new SessionIds(32, "a-long-random-secret-for-the-benchmark");
    private String unsignedCookie;
    private String signedCookie;

    @Setup
    public void setUp() {
        unsignedCookie = unsigned.cookieValue(unsigned.generate());
        signedCookie = signed.cookieValue(signed.generate());
    }

    @Benchmark
    public String generateId() {
        return unsigned.generate();
    }

    @Benchmark
    public Optional<String> checkUnsignedCookie() {
        return unsigned.idFromCookie(unsignedCookie);
    }

    @Benchmark
    public Optional<String> checkSignedCookie() {
        return signed.idFromCookie(signedCookie);
    }

    @Benchmark
    public String signCookie() {
        return signed.cookieValue(unsignedCookie);
    }
}
