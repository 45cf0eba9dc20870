package dev.serversessions.it.jpa;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import javax.sql.DataSource;

/**
 * An application's own named DataSource, as an application that already has one for itself
 * declares it: {@code SESSION_SQLALCHEMY_BIND_KEY=sessionsDataSource} makes the SQL backend use
 * it. Inert unless a test sets that key.
 */
@ApplicationScoped
public class SessionsDataSource {
    @Resource(lookup = "java:comp/DefaultDataSource")
    private DataSource dataSource;

    @Produces
    @Named("sessionsDataSource")
    DataSource dataSource() {
        return dataSource;
    }
}
