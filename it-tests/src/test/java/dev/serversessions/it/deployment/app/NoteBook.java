package dev.serversessions.it.deployment.app;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;

/**
 * Uses the application's persistence unit the way most applications do: through
 * {@code @PersistenceContext} without a unit name, which breaks on WildFly as soon as a jar
 * brings a second persistence unit.
 */
@ApplicationScoped
public class NoteBook {
    @PersistenceContext
    EntityManager entityManager;

    @Transactional
    public void add(String text) {
        entityManager.persist(new Note(text));
    }

    public List<String> texts() {
        return entityManager.createQuery("select n from Note n order by n.id", Note.class).getResultList().stream()
                .map(Note::text).toList();
    }

    /** The JPA provider behind the container's entity manager (Hibernate on WildFly, EclipseLink on Payara). */
    public String provider() {
        return entityManager.getEntityManagerFactory().getClass().getName();
    }
}
