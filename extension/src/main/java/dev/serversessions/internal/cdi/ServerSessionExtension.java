package dev.serversessions.internal.cdi;

import dev.serversessions.api.Backend;
import dev.serversessions.api.ServerSession;
import dev.serversessions.api.ServerSessionScoped;
import dev.serversessions.api.SessionBackend;
import dev.serversessions.api.SessionType;
import dev.serversessions.internal.config.InvalidSettingsException;
import dev.serversessions.internal.config.SerializationFormat;
import dev.serversessions.api.UserSessions;
import dev.serversessions.internal.metrics.Instrumentation;
import dev.serversessions.internal.session.CurrentServerSession;
import dev.serversessions.internal.session.CurrentSession;
import dev.serversessions.internal.session.SessionRuntime;
import dev.serversessions.internal.web.SessionFilter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ConversationScoped;
import jakarta.enterprise.context.SessionScoped;
import jakarta.enterprise.context.spi.Contextual;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.Annotated;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.PassivationCapable;
import jakarta.enterprise.inject.spi.ProcessBean;
import jakarta.enterprise.inject.spi.ProcessInjectionPoint;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import jakarta.enterprise.inject.spi.ProcessProducerField;
import jakarta.enterprise.inject.spi.ProcessProducerMethod;
import jakarta.enterprise.inject.spi.ProcessSessionBean;
import jakarta.inject.Named;
import java.lang.annotation.Annotation;
import java.lang.reflect.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * Makes {@code @Inject ServerSession} and {@code @Inject SessionBackend} work. The library jar is
 * no bean archive; its beans are added here in code, so no class of an absent backend client is
 * ever discovered, and every bad {@code SESSION_*} key fails the deployment once, all listed.
 *
 * <p>Beans: {@link ServerSession} (one application-scoped instance that answers for the current request); one {@code @Backend(type) SessionBackend}
 * per type whose client library is present; and the unqualified {@link SessionBackend}, the
 * configured one, unless the application produces its own (requests then use the
 * application's); and, where the runtime has MicroProfile Health, a readiness check of the store.
 *
 * <p>Also the context of {@link ServerSessionScoped}, whose beans are session attributes named
 * after the bean class (and member, for producers), never after a runtime's bean id, so that
 * another runtime sharing the store finds them.
 *
 * <p>Logins are the business of a second extension, {@code LoginExtension}: in an application
 * with a Jakarta Security authentication mechanism it adds the decorator that keeps the caller in
 * the server session, and the interceptor that keeps {@code @LoginToContinue}'s saved request
 * there too. This class names none of Jakarta Security's classes, and observes no annotated
 * type: it runs alike where that API is absent.
 */
public class ServerSessionExtension implements Extension {
    private static final String READINESS_CHECK = "dev.serversessions.internal.health.SessionStoreReadiness";
    private static final Logger LOG = Logger.getLogger(ServerSessionExtension.class.getName());
    private static final String METRIC_REGISTRY_ACCESS = "dev.serversessions.internal.metrics.MicroProfileRegistry";
    /** The library's Jakarta Security part, an extension of its own (it names that API's classes). */
    private static final String LOGIN_EXTENSION = "dev.serversessions.internal.security.LoginExtension";
    /** Said once at start by an application whose logins live in the store without a key to sign them. */
    static final String UNSIGNED_LOGINS = "Logins are kept in the session store without SESSION_SECRET_KEY: the stored"
            + " callers and owners are not signed, so anyone who can write the store (a Redis or memcached without a password,"
            + " a shared database account, a backup restored by hand) can make any session a login of any user with any role,"
            + " and any session one of a user's, listing and revoking that user's sessions. Set SESSION_SECRET_KEY to at least"
            + " 32 random bytes, the same on every server (generate one with: openssl rand -base64 48), or SESSION_LOGIN=false"
            + " to leave logins to the container.";
    /**
     * MyFaces' own {@code @SessionScoped} beans (Open Liberty) that hold the session's
     * {@code @ViewScoped}, {@code @FlowScoped} and {@code @ClientWindowScoped} bean instances: the
     * runtime classes with injection points kept in the server session. What they inject (the
     * {@code BeanManager}, a client proxy of MyFaces' application-scoped holder, the flow holder's
     * two {@code Event<Flow>}s) Weld writes as references (the application's name, a bean id, an
     * injection point's bean and field) that the reading server resolves to its own; their class
     * is the runtime's, so the value is sealed ({@code RuntimeStateSeal}). Two things in it are
     * no references, and are read back only inside a sealed value
     * ({@code SerializationAllowlist.SEALED_RUNTIME_CLASSES}): the qualifiers of an {@code Event}'s
     * injection point, annotation instances; and the flow and client window holders'
     * serializable lambda (their {@code LRULinkedHashMap}'s expiry callback).
     */
    private static final Set<String> FACES_SCOPE_HOLDERS = Set.of("org.apache.myfaces.cdi.view.ViewScopeContextualStorageHolder",
            "org.apache.myfaces.flow.cdi.FlowScopeContextualStorageHolder",
            "org.apache.myfaces.cdi.clientwindow.ClientWindowScopeContextualStorageHolder");
    private static final String HAS_INJECTION_POINTS = "it has injection points";
    private Bean<?> applicationBackend;
    private boolean discoveryDone;
    /** Session attribute keys of the scoped beans, by passivation id (or by bean without one). */
    private final Map<Object, String> scopedBeanKeys = new ConcurrentHashMap<>();
    /** The application's {@code @SessionScoped} beans, which Weld's session context keeps in the server session. */
    private final List<WeldSessionContext.SessionScopedBean> sessionScoped = new CopyOnWriteArrayList<>();
    /** The application's {@code @ConversationScoped} beans, by class (or producer): for the log of where they live. */
    private final Set<String> conversationScoped = ConcurrentHashMap.newKeySet();
    /** Their identifiers (Weld's, which name the deployment too): what names their conversations' state in the store. */
    private final Set<String> conversationIds = ConcurrentHashMap.newKeySet();
    /** Whether the application has an injection point of {@code HttpSession} ({@link #noteHttpSessionInjection}). */
    private volatile boolean httpSessionInjected;

    void addReadinessCheck(@Observes BeforeBeanDiscovery event) {
        // a class bean, not a synthetic one: runtimes find health checks by their annotations
        if (hasMicroProfileHealth(ServerSessionExtension.class.getClassLoader())) {
            event.addAnnotatedType(readinessCheck(), READINESS_CHECK);
        }
    }

    /**
     * Where the runtime has MicroProfile Metrics, the bean through which the library reaches the
     * application's metric registry (by an injection point, as the spec defines it).
     */
    void addMetricRegistryAccess(@Observes BeforeBeanDiscovery event) {
        if (Instrumentation.isMicroProfileMetricsPresent(ServerSessionExtension.class.getClassLoader())) {
            event.addAnnotatedType(load(METRIC_REGISTRY_ACCESS), METRIC_REGISTRY_ACCESS);
        }
    }

    /**
     * Whether the application has an authentication mechanism, as the library's Jakarta Security
     * extension found; false where that extension does not run (no Jakarta Security).
     */
    private static boolean mechanismFound(BeanManager beans) {
        try {
            Class<?> type = Class.forName(LOGIN_EXTENSION, false, ServerSessionExtension.class.getClassLoader());
            return beans.getExtension(type.asSubclass(Extension.class)) instanceof MechanismPresence p && p.mechanismFound();
        } catch (ClassNotFoundException | LinkageError | IllegalArgumentException e) {
            return false;
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ServerSessionExtension.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(name + " is part of this jar", e);
        }
    }

    void findApplicationBackend(@Observes ProcessBean<?> event) {
        Bean<?> bean = event.getBean();
        if (!discoveryDone && bean.getTypes().contains(SessionBackend.class)
                && bean.getQualifiers().stream().anyMatch(q -> q.annotationType() == Default.class)) {
            applicationBackend = bean;
        }
    }

    void checkScopedBean(@Observes ProcessManagedBean<?> event, BeanManager beans) {
        Bean<?> bean = event.getBean();
        Class<?> type = event.getAnnotatedBeanClass().getJavaClass();
        if (bean.getScope() == ConversationScoped.class) {
            conversationScoped.add(type.getName());
            conversationIds.add(String.valueOf(identity(bean)));
        }
        if (bean.getScope() == SessionScoped.class) {
            boolean intercepted = hasInterceptorBinding(event.getAnnotatedBeanClass(), beans)
                    || event.getAnnotatedBeanClass().getMethods().stream().anyMatch(m -> hasInterceptorBinding(m, beans));
            sessionScoped.add(new WeldSessionContext.SessionScopedBean(bean, keyOf(bean, type.getName()),
                    event instanceof ProcessSessionBean<?> ? "it is an enterprise bean"
                            : !bean.getInjectionPoints().isEmpty() ? HAS_INJECTION_POINTS
                            : intercepted ? "it is intercepted" : null));
        }
        if (bean.getScope() != ServerSessionScoped.class) {
            return;
        }
        if (!bean.getInjectionPoints().isEmpty()) {
            event.addDefinitionError(new DeploymentException("@ServerSessionScoped bean " + type.getName()
                    + " has injection points (" + bean.getInjectionPoints().iterator().next().getMember().getName()
                    + "...): its instance is stored in the session, where a reference to another bean cannot go. Keep "
                    + "only data in it and inject it where it is used."));
        }
        if (hasInterceptorBinding(event.getAnnotatedBeanClass(), beans)
                || event.getAnnotatedBeanClass().getMethods().stream().anyMatch(m -> hasInterceptorBinding(m, beans))) {
            event.addDefinitionError(new DeploymentException("@ServerSessionScoped bean " + type.getName()
                    + " is intercepted: the runtime's interceptor subclass would be stored in the session, and no "
                    + "other runtime could read it. Intercept the beans that use it instead."));
        }
        remember(bean, type.getName());
    }

    void rememberScopedProducer(@Observes ProcessProducerMethod<?, ?> event) {
        rememberProducer(event.getBean(), event.getAnnotatedProducerMethod().getJavaMember());
    }

    void rememberScopedProducer(@Observes ProcessProducerField<?, ?> event) {
        rememberProducer(event.getBean(), event.getAnnotatedProducerField().getJavaMember());
    }

    private void rememberProducer(Bean<?> bean, Member member) {
        if (bean.getScope() == ConversationScoped.class) {
            conversationScoped.add(member.getDeclaringClass().getName() + "#" + member.getName());
            conversationIds.add(String.valueOf(identity(bean)));
        }
        if (bean.getScope() == SessionScoped.class) {
            sessionScoped.add(new WeldSessionContext.SessionScopedBean(bean,
                    keyOf(bean, member.getDeclaringClass().getName() + "#" + member.getName()),
                    bean.getInjectionPoints().isEmpty() ? null : "its producer has parameters"));
        }
        if (bean.getScope() == ServerSessionScoped.class) {
            remember(bean, member.getDeclaringClass().getName() + "#" + member.getName());
        }
    }

    private static boolean hasInterceptorBinding(Annotated annotated, BeanManager beans) {
        return annotated.getAnnotations().stream().anyMatch(a -> beans.isInterceptorBinding(a.annotationType()));
    }

    private void remember(Bean<?> bean, String name) {
        scopedBeanKeys.put(identity(bean), keyOf(bean, name));
    }

    /** Qualifiers other than the implicit ones are part of the name: two beans of one class differ. */
    private static String keyOf(Bean<?> bean, String name) {
        TreeSet<String> qualifiers = new TreeSet<>();
        for (Annotation qualifier : bean.getQualifiers()) {
            Class<? extends Annotation> type = qualifier.annotationType();
            if (type != Default.class && type != Any.class && type != Named.class) {
                qualifiers.add(type.getName());
            }
        }
        return qualifiers.isEmpty() ? name : name + qualifiers;
    }

    private static Object identity(Contextual<?> bean) {
        return bean instanceof PassivationCapable p && p.getId() != null ? p.getId() : bean;
    }

    private String scopedBeanKey(Contextual<?> bean) {
        String key = scopedBeanKeys.get(identity(bean));
        if (key != null) {
            return key;
        }
        // a bean no event told us about (added by another extension): its class is the best name
        return bean instanceof Bean<?> b ? b.getBeanClass().getName() : String.valueOf(identity(bean));
    }

    void addBeans(@Observes AfterBeanDiscovery event) {
        discoveryDone = true;
        event.addContext(new ServerSessionContext(this::scopedBeanKey));
        event.addBean()
                .beanClass(ServerSessionExtension.class)
                .types(ServerSession.class, Object.class)
                .qualifiers(Default.Literal.INSTANCE, Any.Literal.INSTANCE)
                .scope(ApplicationScoped.class)
                .createWith(context -> new CurrentServerSession());
        event.addBean()
                .beanClass(ServerSessionExtension.class)
                .types(UserSessions.class, Object.class)
                .qualifiers(Default.Literal.INSTANCE, Any.Literal.INSTANCE)
                .scope(ApplicationScoped.class)
                .createWith(context -> SessionRuntime.forApplication().userSessions());
        ClassLoader loader = ServerSessionExtension.class.getClassLoader();
        for (SessionType type : SessionType.values()) {
            if (type.isAvailable(loader)) {
                event.addBean()
                        .beanClass(ServerSessionExtension.class)
                        .types(SessionBackend.class, Object.class)
                        .qualifiers(Backend.Literal.of(type), Any.Literal.INSTANCE)
                        .scope(ApplicationScoped.class)
                        .createWith(context -> SessionRuntime.forApplication().backend(type));
            }
        }
        if (applicationBackend == null) {
            event.addBean()
                    .beanClass(ServerSessionExtension.class)
                    .types(SessionBackend.class, Object.class)
                    .qualifiers(Default.Literal.INSTANCE, Any.Literal.INSTANCE)
                    .scope(ApplicationScoped.class)
                    .createWith(context -> SessionRuntime.forApplication().activeBackend());
        }
    }

    private static boolean hasMicroProfileHealth(ClassLoader loader) {
        try {
            Class.forName("org.eclipse.microprofile.health.Readiness", false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Named, not referenced, so that this class loads where MicroProfile Health is absent. */
    private static Class<?> readinessCheck() {
        try {
            return Class.forName("dev.serversessions.internal.health.SessionStoreReadiness", false,
                    ServerSessionExtension.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the readiness check is part of this jar", e);
        }
    }

    void validateSettings(@Observes AfterDeploymentValidation event, BeanManager beans) {
        SessionRuntime runtime;
        try {
            runtime = SessionRuntime.forApplication();
        } catch (InvalidSettingsException e) {
            event.addDeploymentProblem(new DeploymentException(e.getMessage()));
            return;
        }
        runtime.useClients(new CdiClientLookup(beans));
        if (mechanismFound(beans) && runtime.settings().login() && runtime.settings().secretKey().isEmpty()) {
            LOG.warning(UNSIGNED_LOGINS);
        }
        if (!scopedBeanKeys.isEmpty() && runtime.settings().serializationFormat() == SerializationFormat.JSON) {
            LOG.warning("SESSION_SERIALIZATION_FORMAT=json cannot store @ServerSessionScoped beans " + scopedBeanKeys.values()
                    + ": their first use in a request will fail. Use SESSION_SERIALIZATION_FORMAT=java for them.");
        }
        moveSessionScopedBeans(runtime, beans);
        if (applicationBackend != null) {
            Bean<?> bean = applicationBackend;
            runtime.useApplicationBackend(() -> (SessionBackend) beans.getReference(bean, SessionBackend.class,
                    beans.createCreationalContext(bean)));
        }
    }

    /**
     * Puts {@code @SessionScoped} beans in the server session where the runtime's CDI is Weld,
     * requests use the server session ({@code SESSION_HTTPSESSION}) and the format can hold a
     * bean; says once which beans stay with the container, and why.
     */
    private void moveSessionScopedBeans(SessionRuntime runtime, BeanManager beans) {
        SessionFilter.useContainerSessionContext(null);
        if (sessionScoped.isEmpty() && conversationScoped.isEmpty()) {
            return;
        }
        List<WeldSessionContext.SessionScopedBean> all = new ArrayList<>();
        for (WeldSessionContext.SessionScopedBean bean : sessionScoped) {
            String unstorable = bean.unstorable();
            boolean scopeHolder = isFacesScopeHolder(bean.bean());
            if (scopeHolder && HAS_INJECTION_POINTS.equals(unstorable)) {
                unstorable = null;
            }
            if (unstorable == null && !scopeHolder && !inTheWar(bean.bean().getBeanClass())) {
                unstorable = "a class of the runtime's";
            } else if (unstorable == null && !beans.resolveDecorators(bean.bean().getTypes(),
                    bean.bean().getQualifiers().toArray(Annotation[]::new)).isEmpty()) {
                unstorable = "it is decorated";
            }
            all.add(new WeldSessionContext.SessionScopedBean(bean.bean(), bean.key(), unstorable));
        }
        String names = all.stream().map(WeldSessionContext.SessionScopedBean::key).sorted().toList()
                + (conversationScoped.isEmpty() ? "" : " and @ConversationScoped beans " + new TreeSet<>(conversationScoped));
        if (!runtime.settings().wrapHttpSession()) {
            LOG.info("@SessionScoped beans " + names + " stay in the container's session: SESSION_HTTPSESSION=false");
            return;
        }
        if (runtime.settings().serializationFormat() == SerializationFormat.JSON) {
            LOG.info("@SessionScoped beans " + names + " stay in the container's session: SESSION_SERIALIZATION_FORMAT=json "
                    + "cannot hold a bean");
            return;
        }
        Optional<WeldSessionContext> weld = WeldSessionContext.find(beans, all,
                reason -> LOG.info("@SessionScoped beans " + names + " stay in the container's session: " + reason));
        if (weld.isEmpty()) {
            return;
        }
        SessionFilter.useContainerSessionContext(weld.get());
        boolean conversations = moveConversationScopedBeans(runtime, beans, weld.get());
        List<String> unstorable = all.stream().filter(b -> b.unstorable() != null)
                .map(b -> b.key() + " (" + b.unstorable() + ")").sorted().toList();
        if (!conversations && !httpSessionInjected && all.stream().allMatch(b -> b.unstorable() != null)) {
            // only the runtime's own beans (Payara's OAuth2 and OpenID holders, Mojarra's channels):
            // moving the context on every request for nothing was most of what the library cost a
            // request that uses no session (JFR of the plain WAR on Payara)
            SessionFilter.useContainerSessionContext(null);
            LOG.info("No @SessionScoped bean can be kept in the server session: Weld's session context stays with the"
                    + " container's request, whose session keeps " + unstorable);
            return;
        }
        LOG.info("@SessionScoped beans live in the server session (Weld's session context follows the library's request): "
                + all.stream().filter(b -> b.unstorable() == null).map(WeldSessionContext.SessionScopedBean::key).sorted().toList()
                + (unstorable.isEmpty() ? "" : "; in the container's session, as their instance cannot be stored: " + unstorable));
    }

    /**
     * Puts Weld's conversations in the server session too, where their state (Weld's own
     * classes, sealed) can be read back by every server: with {@code SESSION_SECRET_KEY}. Says
     * once where {@code @ConversationScoped} beans live, and why.
     */
    private boolean moveConversationScopedBeans(SessionRuntime runtime, BeanManager beans, WeldSessionContext weld) {
        if (conversationScoped.isEmpty()) {
            return false;
        }
        String names = new TreeSet<>(conversationScoped).toString();
        if (runtime.settings().secretKey().isEmpty()) {
            LOG.info("@ConversationScoped beans " + names + " stay in the container's session: SESSION_SECRET_KEY is not set,"
                    + " and a conversation is Weld's own state, which the server session keeps only sealed with it");
            return false;
        }
        Optional<WeldConversationContext> found = WeldConversationContext.find(beans, weld.weldLoader(), conversationIds,
                reason -> LOG.info("@ConversationScoped beans " + names + " stay in the container's session: " + reason));
        found.ifPresent(conversations -> {
            weld.moveConversations(conversations);
            LOG.info("@ConversationScoped beans live in the server session (Weld's conversation context follows"
                    + " the library's request): " + names);
        });
        return found.isPresent();
    }

    /**
     * Whether the application injects {@code HttpSession}: Weld's built-in bean answers it from the
     * thread's session, which only the move of the session context makes the server session.
     */
    void noteHttpSessionInjection(@Observes ProcessInjectionPoint<?, ?> event) {
        if (event.getInjectionPoint().getType() == jakarta.servlet.http.HttpSession.class) {
            httpSessionInjected = true;
        }
    }

    /**
     * Whether a bean is one of MyFaces' holders of Faces' scopes ({@link #FACES_SCOPE_HOLDERS}):
     * a class of that name and the runtime's, never a class of the WAR that took the name.
     */
    private static boolean isFacesScopeHolder(Bean<?> bean) {
        Class<?> type = bean.getBeanClass();
        return FACES_SCOPE_HOLDERS.contains(type.getName()) && !inTheWar(type);
    }

    /**
     * Whether a class comes from the WAR ({@code WEB-INF/classes} or {@code WEB-INF/lib}), as
     * the application's beans do; the runtime's own {@code @SessionScoped} beans (Payara's OAuth2
     * state, Mojarra's websocket channels) keep the container's session.
     */
    private static boolean inTheWar(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        java.net.URL file = loader == null ? null : loader.getResource(type.getName().replace('.', '/') + ".class");
        return file != null && file.toString().contains("/WEB-INF/");
    }
}
