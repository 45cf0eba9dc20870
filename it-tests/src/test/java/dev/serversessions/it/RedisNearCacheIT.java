package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.PayaraMicro;
import org.junit.jupiter.api.BeforeAll;

/** The Redis near cache on two Payara Micro instances. */
class RedisNearCacheIT extends RedisNearCacheContract {
    @BeforeAll
    static void start() {
        start(PayaraMicro::start, PayaraMicro::start);
    }

    /** MicroProfile Metrics, scraped from Payara's own {@code /metrics}. */
    @Override
    protected long nearCacheLookups(AppServer server, String result) {
        Browser.Response metrics = new Browser(server).get("/metrics");
        assertEquals(200, metrics.status(), metrics.body());
        return Math.round(new PrometheusText(metrics.body()).labelled("serversessions_near_cache_lookups", "result=\"" + result + "\""));
    }
}
