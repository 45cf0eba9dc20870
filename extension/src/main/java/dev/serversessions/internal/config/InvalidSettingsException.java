package dev.serversessions.internal.config;

import java.util.List;

/** One or more {@code SESSION_*} values are wrong; the message lists every problem, one per line. */
public class InvalidSettingsException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public InvalidSettingsException(List<String> problems) {
        this("Invalid server session settings:\n  " + String.join("\n  ", problems), problems);
    }

    private InvalidSettingsException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** Each problem: key, value and what is allowed. */
    public List<String> problems() {
        return problems;
    }

    /**
     * The same problems, for a container to print after they were logged once: it names only the
     * keys, because runtimes print a deployment failure's message several times (Payara Micro
     * four: its own message and its cause's, in two log records), and each problem should be
     * read once.
     */
    public InvalidSettingsException loggedAbove() {
        List<String> keys = problems.stream().map(InvalidSettingsException::key).distinct().toList();
        return new InvalidSettingsException("Invalid server session settings " + keys
                + ": each problem is in the SEVERE log line of dev.serversessions above", problems);
    }

    private static String key(String problem) {
        int end = 0;
        while (end < problem.length() && (Character.isLetterOrDigit(problem.charAt(end)) || problem.charAt(end) == '_')) {
            end++;
        }
        return end == 0 ? problem : problem.substring(0, end);
    }
}
