package dev.serversessions.it.deployment.app;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;

/** The application's own entity, in the application's own persistence unit. */
@Entity
public class Note {
    @Id
    @GeneratedValue
    private Long id;

    private String text;

    protected Note() {
    }

    public Note(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
