package dev.serversessions.example;

import dev.serversessions.api.ServerSession;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code POST /api/counter}: increments the integer attribute {@code counter} and returns it. */
@WebServlet("/api/counter")
public class CounterServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    ServerSession session;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Integer counter = session.get("counter", Integer.class);
        int next = counter == null ? 1 : counter + 1;
        session.put("counter", next);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().print(next);
    }
}
