package dev.serversessions.it;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.serversessions.it.support.WildFlyServer;
import dev.serversessions.testsupport.MongoDbServer;
import dev.serversessions.testsupport.PrivateIds;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;

/**
 * The MongoDB driver and backend in WildFly's module class loading; the MongoDB contract itself
 * (a node deployed while MongoDB is down included) runs on Payara Micro ({@link MongoSessionIT}).
 */
class MongoSessionWildFlyIT extends StoreInRuntimeContract {
    private static MongoClient shell;

    @BeforeAll
    static void start() {
        MongoDbServer mongo = MongoDbServer.start();
        shell = MongoClients.create(mongo.connectionString());
        startServer(WildFlyServer::start, "mongodb", MongoSessionContract.env(mongo), shell, mongo);
    }

    @Override
    protected boolean storeHolds(String sessionId) {
        return shell.getDatabase("it_sessions").getCollection("web").find(new Document("_id", PrivateIds.key("session:", sessionId))).first() != null;
    }
}
