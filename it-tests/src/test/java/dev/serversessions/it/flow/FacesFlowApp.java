package dev.serversessions.it.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser;
import dev.serversessions.it.support.DeploysWars;
import dev.serversessions.it.support.HttpTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * A WAR of its own with a Faces flow ({@code counting}, defined by convention:
 * {@code /counting/counting-flow.xml}) whose page shows a {@code @FlowScoped} and a
 * {@code @ClientWindowScoped} count, and a browser going through it.
 *
 * <p>Not part of the test WAR, which the four runtimes share: an application with a flow has
 * Faces' client window mode ({@code jfwid} in its URLs) turned on for all its pages where
 * {@code jakarta.faces.CLIENT_WINDOW_MODE} is not set (MyFaces logs "The current configuration
 * requires ClientWindow enabled, setting it to 'url'"), and its flows need it. Its own WAR keeps
 * the test WAR's pages as they were on every runtime. (Measured once, 2026-12-06: with this flow
 * in the test WAR, Open Liberty's Faces view and Flash tests still passed; Mojarra's runtimes
 * were not run with it.)
 */
public final class FacesFlowApp {
    /** The context root, and the application's name on every server (the stored references name it). */
    public static final String NAME = "flow";
    private static final Pattern FORM = Pattern.compile("<form id=\"([^\"]*)\"[^>]*action=\"([^\"]*)\"");
    private static final Pattern HIDDEN = Pattern.compile("<input[^>]*type=\"hidden\"[^>]*>");
    private static final Pattern NAME_ATTRIBUTE = Pattern.compile("name=\"([^\"]*)\"");
    private static final Pattern VALUE = Pattern.compile("value=\"([^\"]*)\"");
    private static final Pattern FLOW_COUNT = Pattern.compile("<span id=\"flow-count\">(\\d*)</span>");
    private static final Pattern WINDOW_COUNT = Pattern.compile("<span id=\"window-count\">(\\d*)</span>");

    private Browser browser;
    private String action;
    private final List<String> hidden = new ArrayList<>();
    private int flowCount;
    private int windowCount;

    private FacesFlowApp(Browser browser) {
        this.browser = browser;
    }

    /** The WAR: the two beans, the pages, the flow's definition and the library, exported into {@code directory}. */
    public static Path war(Path directory) {
        Path war = directory.resolve(NAME + "-" + System.nanoTime() + ".war");
        directory.toFile().mkdirs();
        String here = FacesFlowApp.class.getPackageName().replace('.', '/') + "/";
        ShrinkWrap.create(WebArchive.class, NAME + ".war")
                .addClasses(FlowCounter.class, WindowCounter.class)
                .addAsWebResource(here + "start.xhtml", "start.xhtml")
                .addAsWebResource(here + "counting.xhtml", "counting/counting.xhtml")
                .addAsWebResource(here + "counting-flow.xml", "counting/counting-flow.xml")
                .addAsWebInfResource(here + "faces-config.xml", "faces-config.xml")
                .addAsWebInfResource(here + "beans.xml", "beans.xml")
                .setWebXML(here + "web.xml")
                .addAsLibrary(dev.serversessions.it.support.LibraryJar.archive())
                .as(ZipExporter.class).exportTo(war.toFile(), true);
        return war;
    }

    /** Opens the start page on {@code browser}'s server and enters the flow with its button: both counts are 0. */
    public static FacesFlowApp enter(Browser browser) {
        FacesFlowApp flow = new FacesFlowApp(browser);
        flow.read(browser.get("/" + NAME + "/start.xhtml"), "start");
        flow.read(flow.post("start:enter", "Enter"), "flow");
        assertEquals(0, flow.flowCount, "a new flow's @FlowScoped bean starts at 0");
        assertEquals(0, flow.windowCount, "a new window's @ClientWindowScoped bean starts at 0");
        return flow;
    }

    /** What a test does between the flow's first and second count: at least one restart of the server. */
    @FunctionalInterface
    public interface Restart {
        void run() throws Exception;
    }

    /**
     * Deploys {@code war} on {@code server}, enters the flow and counts once, runs {@code restart},
     * waits (60 s at most) until the flow's WAR answers again, and counts once more with the same
     * browser: the {@code @FlowScoped} and {@code @ClientWindowScoped} counts carry across the
     * restart (2 each). The WAR is undeployed again, so that the other tests find the server as it was.
     */
    public static void countsCarryAcrossARestart(DeploysWars server, Path war, Restart restart) throws Exception {
        server.deploy(war, NAME);
        try {
            FacesFlowApp flow = enter(new Browser(server)).increment();
            assertEquals(1, flow.flowCount());
            restart.run();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (new Browser(server).get("/" + NAME + "/start.xhtml").status() != 200) {
                assertTrue(System.nanoTime() < deadline, "the flow's WAR did not start again within 60 s: " + server.log());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
            flow.increment();
            assertEquals(2, flow.flowCount(), "the @FlowScoped count after the restart");
            assertEquals(2, flow.windowCount(), "the @ClientWindowScoped count after the restart");
        } finally {
            server.undeploy(NAME);
        }
    }

    /** The next postbacks go to {@code server}, with the same cookies. */
    public FacesFlowApp on(HttpTarget server) {
        browser = browser.on(server);
        return this;
    }

    /** Posts the flow page's button. */
    public FacesFlowApp increment() {
        read(post("flow:increment", "+1"), "flow");
        return this;
    }

    public int flowCount() {
        return flowCount;
    }

    public int windowCount() {
        return windowCount;
    }

    private Browser.Response post(String button, String label) {
        List<String> form = new ArrayList<>(hidden);
        form.addAll(List.of(button, label));
        return browser.postForm(action, form.toArray(String[]::new));
    }

    /** Checks the page ({@code formId} its form) set no JSESSIONID, and notes its form's action, hidden fields and counts. */
    private void read(Browser.Response page, String formId) {
        assertEquals(200, page.status(), page.body());
        assertFalse(page.setsContainerSessionCookie(), "the flow's page set the container's session cookie: " + page.allSetCookies());
        Matcher form = FORM.matcher(page.body());
        assertTrue(form.find() && form.group(1).equals(formId), "no form " + formId + " in: " + page.body());
        action = form.group(2).replace("&amp;", "&");
        hidden.clear();
        Matcher input = HIDDEN.matcher(page.body());
        while (input.find()) {
            Matcher name = NAME_ATTRIBUTE.matcher(input.group());
            Matcher value = VALUE.matcher(input.group());
            if (name.find() && value.find()) {
                hidden.addAll(List.of(name.group(1), value.group(1).replace("&amp;", "&")));
            }
        }
        Matcher flow = FLOW_COUNT.matcher(page.body());
        Matcher window = WINDOW_COUNT.matcher(page.body());
        flowCount = flow.find() && !flow.group(1).isEmpty() ? Integer.parseInt(flow.group(1)) : -1;
        windowCount = window.find() && !window.group(1).isEmpty() ? Integer.parseInt(window.group(1)) : -1;
    }
}
