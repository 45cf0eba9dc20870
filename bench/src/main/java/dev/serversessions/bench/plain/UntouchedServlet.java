package dev.serversessions.bench.plain;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The one page of the plain WAR ({@code PlainWars}): it never touches a session. Its path is the
 * one the launchers wait for, so the WAR needs nothing else to be started and measured.
 */
@WebServlet("/probe/untouched")
public class UntouchedServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().write("untouched");
    }
}
