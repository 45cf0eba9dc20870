package dev.serversessions.bench;

import dev.serversessions.it.support.PayaraMicro;
import dev.serversessions.testsupport.MemcachedServer;
import dev.serversessions.testsupport.MongoDbServer;
import dev.serversessions.testsupport.RedisServer;
import dev.serversessions.testsupport.TestDatabase;
import java.util.List;
import java.util.Map;

/** The stores the load benchmark compares, the container's in-memory session first. */
final class LoadTargets {
    static final String CONTAINER = "in-memory HttpSession";

    private LoadTargets() {
    }

    /**
     * Another build's WAR ({@code bench.otherWar}, BENCH_OTHER_WAR in scripts/bench), measured
     * beside this one on the filesystem, Redis and Redis with the near cache as targets of its own: before and after a
     * change, side by side in one run.
     */
    static final String OTHER_WAR = System.getProperty("bench.otherWar", "");

    static List<LoadTarget> all() {
        List<LoadTarget> all = new java.util.ArrayList<>(stores());
        all.addAll(plainWars());
        if (!OTHER_WAR.isBlank()) {
            for (LoadTarget store : List.copyOf(all)) {
                if (store.name().equals("filesystem") || store.name().equals("redis") || store.name().equals("redis-near-cache")) {
                    all.add(all.indexOf(store) + 1, onOtherWar(store));
                }
            }
        }
        return all;
    }

    private static LoadTarget onOtherWar(LoadTarget store) {
        return new LoadTarget() {
            @Override
            public String name() {
                return store.name() + "-other-war";
            }

            @Override
            public Started start() throws Exception {
                return store.start();
            }

            @Override
            public java.nio.file.Path war() {
                return java.nio.file.Path.of(OTHER_WAR);
            }
        };
    }

    private static List<LoadTarget> stores() {
        return List.of(
                target(CONTAINER, "JSESSIONID", () -> LoadTarget.Started.without(Map.of("SESSION_HTTPSESSION", "false"))),
                target("filesystem", "session", () -> LoadTarget.Started.without(Map.of("SESSION_TYPE", "filesystem",
                        "SESSION_FILE_DIR", PayaraMicro.workDir().resolve("bench-files-" + System.nanoTime()).toString()))),
                target("redis", "session", () -> {
                    // persistent like a production Redis, but synced once a second, not on every write
                    RedisServer redis = RedisServer.start(PayaraMicro.workDir(), RedisServer.freePort(), "--appendfsync", "everysec");
                    return new LoadTarget.Started(Map.of("SESSION_TYPE", "redis",
                            "SESSION_REDIS", "redis://127.0.0.1:" + redis.port()), redis);
                }),
                // the same Redis setup with each server's near cache of sessions on (issue 15)
                target("redis-near-cache", "session", () -> {
                    RedisServer redis = RedisServer.start(PayaraMicro.workDir(), RedisServer.freePort(), "--appendfsync", "everysec");
                    return new LoadTarget.Started(Map.of("SESSION_TYPE", "redis",
                            "SESSION_REDIS", "redis://127.0.0.1:" + redis.port(), "SESSION_REDIS_NEAR_CACHE", "true"), redis);
                }),
                // the same two with the library's metrics off, for a side-by-side run of what they cost (issue 19)
                target("filesystem-metrics-off", "session", () -> LoadTarget.Started.without(Map.of("SESSION_TYPE", "filesystem",
                        "SESSION_METRICS", "false",
                        "SESSION_FILE_DIR", PayaraMicro.workDir().resolve("bench-files-" + System.nanoTime()).toString()))),
                target("redis-metrics-off", "session", () -> {
                    RedisServer redis = RedisServer.start(PayaraMicro.workDir(), RedisServer.freePort(), "--appendfsync", "everysec");
                    return new LoadTarget.Started(Map.of("SESSION_TYPE", "redis", "SESSION_METRICS", "false",
                            "SESSION_REDIS", "redis://127.0.0.1:" + redis.port()), redis);
                }),
                target("memcached", "session", () -> {
                    MemcachedServer memcached = MemcachedServer.start();
                    return new LoadTarget.Started(Map.of("SESSION_TYPE", "memcached",
                            "SESSION_MEMCACHED", memcached.address()), memcached);
                }),
                target("mongodb", "session", () -> {
                    MongoDbServer mongo = MongoDbServer.start();
                    return new LoadTarget.Started(Map.of("SESSION_TYPE", "mongodb",
                            "SESSION_MONGODB", mongo.connectionString()), mongo);
                }),
                target("sqlalchemy", "session", () -> {
                    // a database of its own on the machine's PostgreSQL, reached directly (no test proxy)
                    TestDatabase postgres = TestDatabase.postgres();
                    return new LoadTarget.Started(Map.of("SESSION_TYPE", "sqlalchemy",
                            "SESSION_SQLALCHEMY", postgres.url()), postgres);
                }));
    }

    /**
     * The plain WAR, without the jar and with it (on the filesystem store, which a request that
     * uses no session never reaches), then the same pair with a Jakarta Security mechanism: what
     * the library alone costs a request that does not use the session.
     */
    private static List<LoadTarget> plainWars() {
        List<LoadTarget> plain = new java.util.ArrayList<>();
        for (boolean security : List.of(false, true)) {
            String without = "plain" + (security ? "-security" : "");
            plain.add(plainWar(without, without, false, security));
            plain.add(plainWar(without + "-library", without, true, security));
        }
        return plain;
    }

    private static LoadTarget plainWar(String name, String baseline, boolean library, boolean security) {
        return new LoadTarget() {
            private java.nio.file.Path war;

            @Override
            public String name() {
                return name;
            }

            @Override
            public Started start() {
                return Started.without(!library ? Map.of() : Map.of("SESSION_TYPE", "filesystem",
                        "SESSION_FILE_DIR", PayaraMicro.workDir().resolve("bench-files-" + System.nanoTime()).toString()));
            }

            @Override
            public java.nio.file.Path war() {
                if (war == null) {
                    try {
                        war = PlainWars.build(library, security);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return war;
            }

            @Override
            public boolean plain() {
                return true;
            }

            @Override
            public String baseline() {
                return baseline;
            }
        };
    }

    private static LoadTarget target(String name, String cookieName, Starter starter) {
        return new LoadTarget() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Started start() throws Exception {
                return starter.start();
            }

            @Override
            public String cookieName() {
                return cookieName;
            }
        };
    }

    @FunctionalInterface
    private interface Starter {
        LoadTarget.Started start() throws Exception;
    }
}
