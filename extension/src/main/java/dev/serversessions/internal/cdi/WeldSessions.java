package dev.serversessions.internal.cdi;

import dev.serversessions.internal.session.RequestSession;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The sessions Weld's bean store sees while {@link WeldSessionContext} holds its context: the
 * server session's view ({@link StoredBeans}) and, once per deployment, one that only listens
 * ({@link Listening}). Weld's own bookkeeping (the hash of its bean index, its lock store) is
 * answered from memory, never stored. In a pass where {@link WeldConversationContext} moved the
 * conversation context too, Weld's conversation attributes go to the server session as well.
 */
final class WeldSessions {
    private static final Logger LOG = Logger.getLogger(WeldSessionContext.class.getName());

    private WeldSessions() {
    }

    /** The request Weld's context is associated with: its session is the given one, created or not. */
    static final class SessionOf extends HttpServletRequestWrapper {
        private final HttpSession session;

        SessionOf(HttpServletRequest request, HttpSession session) {
            super(request);
            this.session = session;
        }

        @Override
        public HttpSession getSession() {
            return session;
        }

        @Override
        public HttpSession getSession(boolean create) {
            return session;
        }
    }

    /** Notes the attribute Weld asks for; holds nothing. */
    static final class Listening extends WeldSession {
        String asked;

        Listening(WeldSessionContext weld) {
            super(weld);
        }

        @Override
        public Object getAttribute(String name) {
            if (name.startsWith(AttributeNames.WELD_PREFIX) && !name.equals(AttributeNames.WELD_INDEX_HASH)) {
                asked = name;
                return null;
            }
            return super.getAttribute(name);
        }
    }

    /** Weld's names that are none of its beans. */
    private static final class AttributeNames {
        static final String WELD_PREFIX = "WELD_S";
        static final String WELD_INDEX_HASH = "WELD_S_HASH";
        static final String LOCK_STORE = "org.jboss.weld.context.beanstore.http.LockStore";
    }

    /**
     * The session Weld's bean store sees, without the beans: the index hash Weld checks (this
     * deployment's own, so that a session shared with another deployment or runtime never fails
     * Weld's check) and Weld's lock store, which serializes the creation of beans in one request.
     */
    private static class WeldSession extends HttpSessionView {
        final WeldSessionContext weld;
        private Object lockStore;

        WeldSession(WeldSessionContext weld) {
            this.weld = weld;
        }

        @Override
        public Object getAttribute(String name) {
            if (name.equals(AttributeNames.WELD_INDEX_HASH)) {
                return weld.indexHash();
            }
            return name.equals(AttributeNames.LOCK_STORE) ? lockStore : null;
        }

        @Override
        public void setAttribute(String name, Object value) {
            if (name.equals(AttributeNames.WELD_INDEX_HASH)) {
                weld.indexHash(value);
            } else if (name.equals(AttributeNames.LOCK_STORE)) {
                lockStore = value;
            }
        }
    }

    /**
     * Weld's attributes on the server session: a bean's instance is the attribute named after
     * the bean; a bean that cannot be stored there stays in the container's session.
     */
    static final class StoredBeans extends WeldSession {
        private final RequestSession session;
        private final Map<String, WeldSessionContext.SessionScopedBean> known;
        private final HttpServletRequest containerRequest;
        /** What Weld was handed in this request, by Weld's name: the same object again. */
        private final Map<String, Object> handedOut = new HashMap<>();
        /** Where Weld's conversations go while its conversation context is moved in this pass; null otherwise. */
        private WeldConversationContext conversations;

        StoredBeans(WeldSessionContext weld, RequestSession session, Map<String, WeldSessionContext.SessionScopedBean> known,
                HttpServletRequest containerRequest) {
            super(weld);
            this.session = session;
            this.known = known;
            this.containerRequest = containerRequest;
        }

        /** Weld's conversation attributes go to the server session from now on in this pass (null: no longer). */
        void holdConversations(WeldConversationContext conversations) {
            this.conversations = conversations;
        }

        private boolean conversation(String name) {
            return conversations != null && WeldConversationContext.isSessionAttribute(name);
        }

        private WeldSessionContext.SessionScopedBean stored(String name) {
            WeldSessionContext.SessionScopedBean bean = known.get(name);
            return bean != null && bean.unstorable() == null && !weld.refused(name) ? bean : null;
        }

        @Override
        public Object getAttribute(String name) {
            if (conversation(name)) {
                return conversations.read(session, containerRequest, name);
            }
            WeldSessionContext.SessionScopedBean bean = stored(name);
            if (bean == null) {
                Object own = super.getAttribute(name);
                if (own != null || name.equals(AttributeNames.WELD_INDEX_HASH) || name.equals(AttributeNames.LOCK_STORE)) {
                    return own;
                }
                HttpSession container = containerRequest.getSession(false);
                return container == null ? null : container.getAttribute(name);
            }
            Object given = handedOut.get(name);
            if (given != null) {
                return given;
            }
            Object instance = session.beans().get(bean.key());
            if (instance == null) {
                return null;
            }
            Object wrapped = weld.contextualInstance(bean.bean(), instance);
            handedOut.put(name, wrapped);
            return wrapped;
        }

        @Override
        public void setAttribute(String name, Object value) {
            if (name.equals(AttributeNames.WELD_INDEX_HASH) || name.equals(AttributeNames.LOCK_STORE)) {
                super.setAttribute(name, value);
                return;
            }
            if (conversation(name)) {
                conversations.write(session, containerRequest, name, value);
                return;
            }
            WeldSessionContext.SessionScopedBean bean = stored(name);
            if (bean == null) {
                containerRequest.getSession(true).setAttribute(name, value);
                return;
            }
            Object instance = weld.instanceIn(value);
            try {
                session.beans().put(bean.key(), instance);
            } catch (IllegalArgumentException e) {
                // the codec refuses it (a class outside WEB-INF/classes and SESSION_SERIALIZATION_ALLOWLIST):
                // the container's session keeps this bean from now on, as it did before the library
                if (weld.refuse(name)) {
                    LOG.warning("@SessionScoped bean " + bean.key() + " stays in the container's session: " + e.getMessage());
                }
                containerRequest.getSession(true).setAttribute(name, value);
                return;
            }
            handedOut.put(name, value);
        }

        @Override
        public void removeAttribute(String name) {
            if (conversation(name)) {
                conversations.remove(session, containerRequest, name);
                return;
            }
            WeldSessionContext.SessionScopedBean bean = stored(name);
            if (bean == null) {
                HttpSession container = containerRequest.getSession(false);
                if (container != null) {
                    container.removeAttribute(name);
                }
                return;
            }
            handedOut.remove(name);
            session.beans().remove(bean.key());
        }

        /**
         * The beans Weld holds in this request: Weld lists names only to destroy what it holds
         * (after an invalidate) or to copy it, and could not do either with one it has not read;
         * the server session has dropped all of them by then anyway. And the stored attributes
         * of conversations, which Weld lists to load or destroy a conversation's beans.
         */
        @Override
        public java.util.Enumeration<String> getAttributeNames() {
            List<String> names = new java.util.ArrayList<>(handedOut.keySet());
            if (conversations != null) {
                names.addAll(conversations.names(session));
            }
            return java.util.Collections.enumeration(names);
        }

        @Override
        public String getId() {
            return session.id();
        }

        @Override
        public boolean isNew() {
            return session.isNew();
        }

        @Override
        public long getCreationTime() {
            return session.creationTime().toEpochMilli();
        }

        @Override
        public long getLastAccessedTime() {
            return session.lastAccessTime().toEpochMilli();
        }

        @Override
        public int getMaxInactiveInterval() {
            return session.maxInactiveSeconds();
        }

        @Override
        public void setMaxInactiveInterval(int interval) {
            session.setMaxInactiveSeconds(interval);
        }

        @Override
        public void invalidate() {
            session.invalidate();
        }

        @Override
        public jakarta.servlet.ServletContext getServletContext() {
            return containerRequest.getServletContext();
        }
    }

    /** A session of Weld's own use: what Weld's bean store does not ask has neutral answers. */
    private abstract static class HttpSessionView implements HttpSession {
        @Override
        public long getCreationTime() {
            return 0;
        }

        @Override
        public String getId() {
            return "";
        }

        @Override
        public long getLastAccessedTime() {
            return 0;
        }

        @Override
        public jakarta.servlet.ServletContext getServletContext() {
            return null;
        }

        @Override
        public void setMaxInactiveInterval(int interval) {
        }

        @Override
        public int getMaxInactiveInterval() {
            return 0;
        }

        @Override
        public java.util.Enumeration<String> getAttributeNames() {
            return java.util.Collections.emptyEnumeration();
        }

        @Override
        public void removeAttribute(String name) {
        }

        @Override
        public void invalidate() {
        }

        @Override
        public boolean isNew() {
            return false;
        }
    }
}
