package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serversessions.it.support.Browser;
import dev.serversessions.testsupport.MongoDbServer;
import dev.serversessions.it.support.PayaraMicro;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one store that counts its sessions cheaply, MongoDB (the collection's estimated document
 * count, no scan): {@code serversessions.live} on Payara's {@code /metrics} follows sessions made
 * and invalidated through HTTP.
 */
class LiveSessionsMongoPayaraIT {

    @Test
    void theGaugeCountsTheSessionsInTheCollection() {
        try (MongoDbServer mongo = MongoDbServer.start();
             // the expiry sweep's lease is a document of the collection too: no sweep here
             PayaraMicro server = PayaraMicro.start("metrics-mongodb", withoutSweep(MongoSessionContract.env(mongo)))) {
            List<Browser> users = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Browser user = new Browser(server);
                assertEquals(204, user.put("/api/session/a", "user " + i).status());
                users.add(user);
            }
            assertEquals(3, live(server), "three sessions made");

            assertEquals(204, users.get(0).post("/api/session/invalidate").status());
            assertEquals(2, live(server), "one invalidated");
        }
    }

    private static java.util.Map<String, String> withoutSweep(java.util.Map<String, String> env) {
        java.util.Map<String, String> off = new java.util.HashMap<>(env);
        off.put("SESSION_EXPIRY_SWEEP_INTERVAL", "0");
        return off;
    }

    private static long live(PayaraMicro server) {
        Browser.Response response = new Browser(server).get("/metrics");
        assertEquals(200, response.status());
        PrometheusText metrics = new PrometheusText(response.body());
        return Math.round(metrics.value("serversessions_live", null));
    }
}
