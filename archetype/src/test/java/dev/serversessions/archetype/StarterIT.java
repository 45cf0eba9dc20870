package dev.serversessions.archetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.testsupport.Ports;
import dev.serversessions.testsupport.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * The README's quick start, as a shell runs it: its archetype:generate command against the
 * archetype this build has just packaged, then its run line (build the WAR, start it on Payara
 * Micro) with sessions in a Redis of the test's own, then the generated servlet, resource and
 * beans over HTTP with cookies.
 *
 * <p>The suite installs nothing into the user's Maven repository: the nested Maven runs see a
 * private local repository ({@code MAVEN_OPTS=-Dmaven.repo.local=...}) that links every group of
 * the real one (plugins and dependencies resolve as usual) and holds this build's parent, library
 * and archetype under {@code dev/serversessions}.
 */
class StarterIT {

    private static final String VERSION = System.getProperty("starter.version");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theReadmeQuickStartGeneratesAWarWhoseSessionsLiveInRedis() throws Exception {
        long began = System.nanoTime();
        Path work = Path.of(System.getProperty("starter.work"));
        deleteTree(work);
        Files.createDirectories(work);
        Path repository = privateRepository(work.resolve("m2"));
        Map<String, String> env = Map.of("MAVEN_OPTS", "-Dmaven.repo.local=" + repository);
        String readme = Files.readString(Path.of(System.getProperty("starter.readme")));

        String generate = command(readme, "mvn -B org.apache.maven.plugins:maven-archetype-plugin:");
        assertTrue(generate.contains("-DarchetypeVersion=" + VERSION), generate);
        shell(work, generate, env);
        Path app = work.resolve("my-app");
        String config = Files.readString(app.resolve("src/main/resources/META-INF/microprofile-config.properties"));
        assertFalse(config.contains("GENERATED_AT_GENERATION"), "the post-generate script set no secret:\n" + config);
        assertTrue(Files.isExecutable(app.resolve("run")), "run is not executable");
        System.out.printf("StarterIT: generated in %d s%n", seconds(began));

        try (RedisServer redis = RedisServer.persistent(work)) {
            int port = Ports.free();
            String run = command(readme, "SESSION_TYPE=redis SESSION_REDIS=redis://127.0.0.1:6379 ./run")
                    .replace("127.0.0.1:6379", "127.0.0.1:" + redis.port());
            Map<String, String> runEnv = new java.util.HashMap<>(env);
            runEnv.put("PORT", String.valueOf(port));
            // the run script's JAVA_OPTS: the heap and JIT the runtime tests give Payara Micro
            runEnv.put("JAVA_OPTS", "-Xmx384m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
            Process process = start(app, run, runEnv);
            try {
                List<String> output = awaitAnswers(process);
                System.out.printf("StarterIT: built and answering in %d s%n", seconds(began));
                drive("http://127.0.0.1:" + port, redis);
                // SLF4J complains on stderr when Jedis's slf4j-api finds no binding of its version
                assertTrue(output.stream().noneMatch(line -> line.startsWith("SLF4J:")),
                        "Jedis's log lines are dropped:\n" + tail(output));
            } finally {
                stop(process);
            }
        }
        long total = seconds(began);
        System.out.printf("StarterIT: the quick start took %d s%n", total);
    }

    private static void drive(String base, RedisServer redis) throws Exception {
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();

        HttpResponse<String> hello = browser.send(HttpRequest.newBuilder(URI.create(base + "/hello"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=Ann")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, hello.statusCode(), hello.body());
        assertEquals("Hello, Ann!", hello.body().strip());
        assertEquals("Hello, Ann!", send(browser, "GET", base + "/hello", null, 200));
        assertEquals("Hello, stranger!", send(HttpClient.newHttpClient(), "GET", base + "/hello", null, 200),
                "a visitor without the cookie has a session of its own");

        send(browser, "PUT", base + "/api/session/color", "blue", 204);
        assertEquals("blue", send(browser, "GET", base + "/api/session/color", null, 200));
        assertEquals("1", send(browser, "POST", base + "/api/visits", null, 200));
        assertEquals("2", send(browser, "POST", base + "/api/visits", null, 200));
        send(browser, "PUT", base + "/api/cart/apple", null, 204);
        send(browser, "PUT", base + "/api/cart/pear", null, 204);
        assertEquals("apple\npear", send(browser, "GET", base + "/api/cart", null, 200));

        List<String> names = cookies.getCookieStore().getCookies().stream().map(c -> c.getName()).toList();
        assertEquals(List.of("session"), names, "the only cookie is the server session's");
        try (Jedis jedis = redis.admin()) {
            assertFalse(jedis.keys("session:*").isEmpty(), "no session in Redis: " + jedis.keys("*"));
        }
    }

    private static String send(HttpClient client, String method, String url, String body, int expected) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method, publisher);
        if (body != null) {
            request.header("Content-Type", "text/plain");
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), method + " " + url + ": " + response.body());
        return response.body().strip();
    }

    /** The README's shell command that starts with {@code start}, its continued lines joined. */
    static String command(String readme, String start) {
        List<String> lines = readme.lines().map(String::strip).toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(start)) {
                StringBuilder command = new StringBuilder();
                int j = i;
                while (lines.get(j).endsWith("\\")) {
                    command.append(lines.get(j), 0, lines.get(j).length() - 1).append(' ');
                    j++;
                }
                return command.append(lines.get(j)).toString();
            }
        }
        throw new AssertionError("README.md has no command starting with " + start);
    }

    /**
     * A local repository that links each group of the real one, with this build's artifacts
     * under dev/serversessions (files copied as {@code mvn install} would lay them out).
     */
    private static Path privateRepository(Path dir) throws IOException {
        Path real = Path.of(System.getProperty("starter.localRepository"));
        link(real, dir, "dev");
        link(real.resolve("dev"), dir.resolve("dev"), "serversessions");
        install(dir, "server-sessions-parent", Path.of(System.getProperty("starter.parentPom")), null);
        install(dir, "server-sessions-bom", Path.of(System.getProperty("starter.bomPom")), null);
        install(dir, "server-sessions", Path.of(System.getProperty("starter.libraryPom")),
                Path.of(System.getProperty("starter.library")));
        install(dir, "server-sessions-archetype", Path.of(System.getProperty("starter.archetypePom")),
                Path.of(System.getProperty("starter.archetype")));
        return dir;
    }

    private static void link(Path from, Path to, String except) throws IOException {
        Files.createDirectories(to);
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> entries = Files.list(from)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.equals(except)) {
                    Files.createSymbolicLink(to.resolve(name), entry);
                }
            }
        }
    }

    private static void install(Path repository, String artifactId, Path pom, Path jar) throws IOException {
        Path dir = repository.resolve("dev/serversessions").resolve(artifactId).resolve(VERSION);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifactId + "-" + VERSION + ".pom"));
        if (jar != null) {
            assertTrue(Files.isRegularFile(jar), jar + " is not built");
            Files.copy(jar, dir.resolve(artifactId + "-" + VERSION + ".jar"));
        }
    }

    private static void shell(Path dir, String command, Map<String, String> env) throws Exception {
        Process process = start(dir, command, env);
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        Thread reader = pump(process, output, null);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), "still running: " + command);
        reader.join();
        assertEquals(0, process.exitValue(), command + "\n" + String.join("\n", output));
    }

    private static Process start(Path dir, String command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Waits for the run script's "answers at" line; fails with its output when it exits first. */
    private static List<String> awaitAnswers(Process process) throws InterruptedException {
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch answers = new CountDownLatch(1);
        pump(process, output, answers);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!answers.await(500, TimeUnit.MILLISECONDS)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("run " + (process.isAlive() ? "did not answer in " + START_TIMEOUT
                        : "exited with " + process.exitValue()) + ":\n" + tail(output));
            }
        }
        return output;
    }

    private static Thread pump(Process process, List<String> output, CountDownLatch answers) {
        Thread thread = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    output.add(line);
                    if (answers != null && line.contains("answers at")) {
                        answers.countDown();
                    }
                }
            } catch (IOException e) {
                output.add("(output lost: " + e + ")");
            }
        }, "starter-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static String tail(List<String> output) {
        synchronized (output) {
            return String.join("\n", output.subList(Math.max(0, output.size() - 80), output.size()));
        }
    }

    /** Stops the run script and everything it started (Maven is done; Payara Micro is not), by pid. */
    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }

    private static long seconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // never follows the private repository's links into the real one
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
