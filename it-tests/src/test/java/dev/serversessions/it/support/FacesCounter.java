package dev.serversessions.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.it.support.Browser.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The example's Faces page {@code /faces/counter.xhtml} as a browser uses it: a form
 * {@code counter} with the hidden {@code jakarta.faces.ViewState} (server-side state saving, the
 * Faces default: an id into the session), a {@code @ViewScoped} bean's count in
 * {@code <span id="counter:count">} and a button {@code counter:increment}. Each postback sends
 * the view state the last page held, to whichever server {@link #on} names.
 */
public final class FacesCounter {
    public static final String PAGE = "/faces/counter.xhtml";
    private static final Pattern HIDDEN = Pattern.compile("<input[^>]*type=\"hidden\"[^>]*>");
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
    private static final Pattern VALUE = Pattern.compile("value=\"([^\"]*)\"");
    private static final Pattern COUNT = Pattern.compile("<span id=\"counter:count\">(\\d+)</span>");

    private Browser browser;
    private String viewState;
    /** The form's hidden fields as a browser posts them back (Mojarra: the form's id; MyFaces also {@code counter_SUBMIT}). */
    private final List<String> hidden = new ArrayList<>();
    private int count;

    private FacesCounter(Browser browser) {
        this.browser = browser;
    }

    /** A new view: GET the page; its count is 0. No response sets the container's session cookie. */
    public static FacesCounter open(Browser browser) {
        FacesCounter counter = new FacesCounter(browser);
        counter.read(browser.get(PAGE), "GET");
        assertEquals(0, counter.count, "a new view's @ViewScoped bean starts at 0");
        return counter;
    }

    /** The next postbacks go to {@code server}, with the same cookies. */
    public FacesCounter on(HttpTarget server) {
        browser = browser.on(server);
        return this;
    }

    /** The browser of the last postback, with its cookies. */
    public Browser browser() {
        return browser;
    }

    /** Posts the form's button; answers the count the page then shows. */
    public int increment() {
        List<String> form = new ArrayList<>(hidden);
        form.addAll(List.of("counter:increment", "+1"));
        Response page = browser.postForm(PAGE, form.toArray(String[]::new));
        read(page, "POST");
        return count;
    }

    private void read(Response page, String method) {
        assertEquals(200, page.status(), method + " " + PAGE + ": " + page.body());
        assertFalse(page.setsContainerSessionCookie(), method + " " + PAGE + " set the container's session cookie: " + page.allSetCookies());
        assertTrue(page.body().contains("<form id=\"counter\""), page.body());
        assertTrue(page.body().contains("name=\"counter:increment\""), page.body());
        hidden.clear();
        viewState = null;
        Matcher input = HIDDEN.matcher(page.body());
        while (input.find()) {
            Matcher name = NAME.matcher(input.group());
            Matcher value = VALUE.matcher(input.group());
            if (name.find() && value.find()) {
                hidden.addAll(List.of(name.group(1), value.group(1).replace("&amp;", "&")));
                viewState = name.group(1).equals("jakarta.faces.ViewState") ? value.group(1) : viewState;
            }
        }
        assertTrue(viewState != null, "no jakarta.faces.ViewState in " + page.body());
        Matcher shown = COUNT.matcher(page.body());
        assertTrue(shown.find(), "no counter:count in " + page.body());
        count = Integer.parseInt(shown.group(1));
    }
}
