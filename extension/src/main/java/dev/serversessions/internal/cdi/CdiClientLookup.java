package dev.serversessions.internal.cdi;

import dev.serversessions.api.Backend;
import dev.serversessions.api.SessionType;
import dev.serversessions.internal.backend.ClientLookup;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.Default;
import java.util.Optional;
import java.util.Set;

/** Finds clients the application produced with {@code @Backend(type)}, through the bean manager. */
final class CdiClientLookup implements ClientLookup {
    private final BeanManager beans;

    CdiClientLookup(BeanManager beans) {
        this.beans = beans;
    }

    @Override
    public <T> Optional<T> find(Class<T> clientType, SessionType store) {
        Set<Bean<?>> candidates = beans.getBeans(clientType, Backend.Literal.of(store));
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        Bean<?> bean = beans.resolve(candidates);
        return Optional.of(clientType.cast(beans.getReference(bean, clientType, beans.createCreationalContext(bean))));
    }

    @Override
    public <T> Optional<T> bean(Class<T> type) {
        Set<Bean<?>> candidates = beans.getBeans(type, Default.Literal.INSTANCE);
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        Bean<?> bean = beans.resolve(candidates);
        return bean == null ? Optional.empty() : Optional.of(type.cast(beans.getReference(bean, type, beans.createCreationalContext(bean))));
    }
}
