package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.testsupport.MongoDbServer;
import org.junit.jupiter.api.BeforeAll;

/** A user's sessions on two Payara Micro instances sharing one MongoDB. */
class UserSessionsTwoPayaraMongoIT extends UserSessionsContract {
    @BeforeAll
    static void start() {
        MongoDbServer mongo = MongoDbServer.start();
        startWithLimit(PayaraMicro::start, PayaraMicro::start, "owners-mongo", MongoSessionContract.env(mongo), mongo);
    }
}
