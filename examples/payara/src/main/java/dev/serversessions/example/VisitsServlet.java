package dev.serversessions.example;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code POST /api/visits}: counts the visitor's visits in a plain {@code @SessionScoped} bean, answers the new count. */
@WebServlet("/api/visits")
public class VisitsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    Visits visits;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int count = visits.next();
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().print(count);
    }
}
