package dev.serversessions.config;

import java.util.List;

/** One or more {@code SESSION_*} values are wrong; the message lists every problem, one per line. */
public class InvalidSettingsException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public InvalidSettingsException(List<String> problems) {
        super("Invalid server session settings:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem: key, value and what is allowed. */
    public List<String> problems() {
        return problems;
    }
}
