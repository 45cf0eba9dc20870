package dev.serversessions.it.probe;

import jakarta.enterprise.context.ConversationScoped;
import java.io.Serializable;

/**
 * An application's {@code @ConversationScoped} bean, with standard annotations only (nothing of
 * the library): {@code /beans/conversation} counts in it ({@link ConversationProbeServlet}).
 */
@ConversationScoped
public class ConversationCounter implements Serializable {
    private static final long serialVersionUID = 1L;

    private int count;

    public int next() {
        return ++count;
    }
}
