package dev.serversessions.bench;

import dev.serversessions.internal.config.SettingsSource;
import dev.serversessions.internal.session.CookieAction;
import dev.serversessions.internal.session.RequestSession;
import dev.serversessions.internal.session.SessionRuntime;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the filter does for a request that never touches its session: check the cookie, open the
 * lazy session, and find at the end that there is nothing to save. No store is called.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UntouchedRequestBenchmark {
    private SessionRuntime runtime;
    private String cookie;

    @Setup
    public void setUp() throws Exception {
        runtime = SessionRuntime.create(SettingsSource.of(Map.of(
                "SESSION_FILE_DIR", Files.createTempDirectory("bench").toString(),
                "SESSION_USE_SIGNER", "true",
                "SESSION_SECRET_KEY", "a-long-random-secret-for-the-benchmark")), getClass().getClassLoader(), Clock.systemUTC());
        cookie = runtime.ids().cookieValue(runtime.ids().generate());
    }

    @Benchmark
    public CookieAction untouchedRequestWithACookie() {
        RequestSession session = runtime.open(cookie);
        return session.save();
    }

    @Benchmark
    public CookieAction untouchedRequestWithoutACookie() {
        RequestSession session = runtime.open(null);
        return session.save();
    }
}
