package dev.serversessions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.flow.FacesFlowApp;
import dev.serversessions.it.support.AppServer;
import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.FacesCounter;
import dev.serversessions.it.support.LibertyServer;
import dev.serversessions.it.support.RuntimeServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §4 on the filesystem backend, plus what only files can show, in Open Liberty. */
class FileSystemSessionLibertyIT extends FileSystemSessionContract {
    private static Path directory;
    private static LibertyServer server;

    @BeforeAll
    static void start() {
        directory = newSessionDirectory();
        server = LibertyServer.start("filesystem", SessionScopedBeansContract.withSecretKey(Map.of("SESSION_TYPE", "filesystem", "SESSION_FILE_DIR", directory.toString())));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected LibertyServer server() {
        return server;
    }

    @Override
    protected Path directory() {
        return directory;
    }

    /** A second Liberty on the same directory and key, started once for the tests below (~25 s). */
    private AppServer second() {
        return lockingServer("second", Map.of());
    }

    /**
     * MyFaces keeps {@code @ViewScoped} beans in {@code @SessionScoped} beans of its own
     * ({@code ViewScopeContextualStorageHolder}), which the library keeps in the server session:
     * each postback goes to the other Liberty, which restores the view and its bean, and no
     * response sets JSESSIONID. Invalidating the session on B then leaves no error in B's log.
     */
    @Test
    void aFacesViewPostedBackToTwoLibertyServersInTurnKeepsCounting() {
        AppServer b = second();
        FacesCounter view = FacesCounter.open(new Browser(server()));
        for (int i = 1; i <= 4; i++) {
            assertEquals(i, view.on(i % 2 == 1 ? b : server()).increment(), "postback " + i + " to " + (i % 2 == 1 ? "B" : "A"));
        }
        Browser.Response invalidated = view.browser().on(b).post("/legacy/session/invalidate");
        assertEquals(204, invalidated.status(), invalidated.body());
        assertTrue(b.log().lines().noneMatch(l -> l.contains("Exception")), "after the invalidate: " + b.log());
    }

    /**
     * MyFaces keeps a Flash note in the session (the attribute {@code oam.Flash.SCOPE.<token>.note},
     * the token in a cookie of its own), unlike Mojarra (TwoPayaraServersShareOneStoreIT): in the
     * server session, so a note put on one Liberty is shown by the other after the redirect.
     */
    @Test
    void aFacesFlashNotePutOnOneLibertyIsShownByTheOther() {
        AppServer b = second();
        Browser browser = new Browser(server());
        Browser.Response set = browser.get("/faces/flash-set.xhtml?note=from-a");
        assertEquals(302, set.status(), set.body());
        assertFalse(set.setsContainerSessionCookie(), set.allSetCookies().toString());
        assertTrue(browser.cookie().isPresent(), "the Flash started a server session: " + set.allSetCookies());
        assertFalse(set.location().contains("from-a"), set.location());
        assertTrue(browser.otherCookies().containsKey("oam.Flash.RENDERMAP.TOKEN"), browser.otherCookies().toString());
        String next = java.net.URI.create(set.location()).getPath();
        Browser.Response shown = browser.on(b).get(next);
        assertEquals(200, shown.status(), shown.body());
        assertTrue(shown.body().contains("<span id=\"note\">from-a</span>"), shown.body() + " cookies " + browser.otherCookies());
        assertFalse(shown.setsContainerSessionCookie(), shown.allSetCookies().toString());
    }

    private static Path flowWar;

    private static synchronized Path flowWar() {
        if (flowWar == null) {
            flowWar = FacesFlowApp.war(RuntimeServer.workDir());
        }
        return flowWar;
    }

    /**
     * The contract's one restart of the server, with a Faces flow ({@link FacesFlowApp}, deployed
     * for it) entered before: a postback after the restart carries on its {@code @FlowScoped} and
     * {@code @ClientWindowScoped} counts.
     */
    @Override
    @Test
    public void attributesTheCartAndAPlainSessionScopedBeanSurviveARestartOfTheServer() throws Exception {
        FacesFlowApp.countsCarryAcrossARestart(server, flowWar(),
                super::attributesTheCartAndAPlainSessionScopedBeanSurviveARestartOfTheServer);
    }

    /**
     * A Faces flow ({@link FacesFlowApp}, a WAR of its own deployed at {@code /flow} on both
     * Liberty) entered on A carries on on B and back: its {@code @FlowScoped} and
     * {@code @ClientWindowScoped} counts are kept by MyFaces' holders of those scopes, which the
     * library keeps in the server session, and no response sets JSESSIONID. The WAR is removed
     * again, so that the other tests find the servers as they were.
     */
    @Test
    void aFacesFlowEnteredOnOneLibertyContinuesOnTheOther() {
        LibertyServer b = (LibertyServer) second();
        server.deploy(flowWar(), FacesFlowApp.NAME);
        b.deploy(flowWar(), FacesFlowApp.NAME);
        try {
            FacesFlowApp flow = FacesFlowApp.enter(new Browser(server));
            for (int i = 1; i <= 3; i++) {
                String to = i % 2 == 1 ? "B" : "A";
                flow.on(i % 2 == 1 ? b : server).increment();
                assertEquals(i, flow.flowCount(), "the @FlowScoped count, postback " + i + " to " + to);
                assertEquals(i, flow.windowCount(), "the @ClientWindowScoped count, postback " + i + " to " + to);
            }
        } finally {
            server.undeploy(FacesFlowApp.NAME);
            b.undeploy(FacesFlowApp.NAME);
        }
    }

    /**
     * Only MyFaces' holders of Faces' scopes ({@code @ViewScoped}, {@code @FlowScoped},
     * {@code @ClientWindowScoped}) are kept in the server session despite their injection points:
     * an application's {@code @SessionScoped} bean with one ({@code InjectingCounter}, which
     * injects the {@code BeanManager} as the holders do) stays in the container's session, the
     * log says why, and using it sets JSESSIONID, as before.
     */
    @Test
    void anApplicationSessionScopedBeanWithAnInjectionPointStaysWithTheContainer() {
        // the test WAR's line (the flow's WAR, if deployed, says its own)
        String said = server.log().lines().filter(l -> l.contains("@SessionScoped beans live in the server session")
                        && l.contains("InjectingCounter"))
                .findFirst().orElseThrow(() -> new AssertionError(server.log()));
        String stored = said.substring(0, said.indexOf("; in the container's session"));
        assertTrue(stored.contains("org.apache.myfaces.cdi.view.ViewScopeContextualStorageHolder"), said);
        assertTrue(stored.contains("org.apache.myfaces.flow.cdi.FlowScopeContextualStorageHolder"), said);
        assertTrue(stored.contains("org.apache.myfaces.cdi.clientwindow.ClientWindowScopeContextualStorageHolder"), said);
        assertFalse(stored.contains("InjectingCounter"), said);
        assertTrue(said.contains("dev.serversessions.it.probe.InjectingCounter (it has injection points)"), said);
        Browser browser = new Browser(server());
        Browser.Response first = browser.get("/beans/injecting");
        assertEquals("1", first.body());
        assertTrue(first.setsContainerSessionCookie(), first.allSetCookies().toString());
    }
}
