package dev.serversessions.it;

import dev.serversessions.it.support.PayaraMicro;
import org.junit.jupiter.api.BeforeAll;

/** SPEC §4 and MongoDB's own view of it, in Payara Micro. */
class MongoSessionIT extends MongoSessionContract {
    @BeforeAll
    static void start() {
        start(PayaraMicro::start);
    }
}
