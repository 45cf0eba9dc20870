package dev.serversessions.it.probe;

import jakarta.enterprise.context.Conversation;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A CDI conversation as an unchanged application has it, the {@code cid} in the query:
 * {@code POST /beans/conversation} begins a long-running conversation and answers its id;
 * {@code POST /beans/conversation?cid=X} counts in its {@link ConversationCounter} and answers
 * the count; {@code DELETE /beans/conversation?cid=X} ends it and answers the last count;
 * {@code GET /beans/conversation} counts in a transient conversation (always 1).
 */
@WebServlet("/beans/conversation")
public class ConversationProbeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    Conversation conversation;

    @Inject
    ConversationCounter counter;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (conversation.isTransient()) {
            conversation.begin();
            answer(response, conversation.getId());
            return;
        }
        answer(response, String.valueOf(counter.next()));
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (conversation.isTransient()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "no long-running conversation: DELETE ?cid=X");
            return;
        }
        int last = counter.next();
        conversation.end();
        answer(response, String.valueOf(last));
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(response, conversation.isTransient() + "," + counter.next());
    }

    private static void answer(HttpServletResponse response, String body) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(body);
    }
}
