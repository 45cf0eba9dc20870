package dev.serversessions.example;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;

/** Which server answered: {@code payara:8080}, {@code wildfly:8081}, so failover shows. */
final class ServerInfo {
    private ServerInfo() {
    }

    static String describe(HttpServletRequest request) {
        String info = request.getServletContext().getServerInfo();
        String lower = info == null ? "" : info.toLowerCase(Locale.ROOT);
        String runtime = lower.contains("payara") ? "payara"
                : lower.contains("wildfly") || lower.contains("undertow") || lower.contains("jboss") ? "wildfly"
                : info;
        return runtime + ":" + request.getLocalPort();
    }
}
