package dev.serversessions.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.faces.sealtest.SavedView;
import jakarta.faces.application.FacesMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.myfaces.sealtest.ClientWindows;
import org.junit.jupiter.api.Test;

/**
 * The runtime's own session state (Faces' views, Weld's contexts) is read back only from values
 * this library sealed with the key: a store writer without it can put none of those classes in
 * front of the reader, and the denials still hold inside a sealed value.
 */
class RuntimeStateSealTest {
    private static final String KEY = "a-long-random-secret-for-the-runtime-state-of-this-test";
    private static final String OTHER_KEY = "another-long-random-secret-for-the-runtime-state-test";

    private static JavaAttributeCodec codec(String key, String... fallbacks) {
        return new JavaAttributeCodec(RuntimeStateSealTest.class.getClassLoader(), List.of(),
                RuntimeStateSeal.of(Optional.ofNullable(key), List.of(fallbacks)));
    }

    private static SavedView view() {
        SavedView view = new SavedView();
        view.put("-1:2", new Object[] {"counter", 3, new FacesMessage("saved")});
        return view;
    }

    private static byte[] plainJava(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    @Test
    void theRuntimesStateIsSealedAndReadBackWithTheKey() {
        byte[] stored = codec(KEY).encodeForPut("com.sun.faces.logicalViewMap", view());
        assertTrue(RuntimeStateSeal.isSealed(stored));
        SavedView read = (SavedView) codec(KEY).decode("com.sun.faces.logicalViewMap", stored);
        assertEquals("counter", read.get("-1:2")[0]);
        assertEquals(3, read.get("-1:2")[1]);
        assertEquals("saved", ((FacesMessage) read.get("-1:2")[2]).getSummary());
    }

    @Test
    void anApplicationsOwnValuesAreNotSealed() throws IOException {
        ArrayList<Object> cart = new ArrayList<>(List.of("apple", 2));
        byte[] stored = codec(KEY).encodeForPut("cart", cart);
        assertFalse(RuntimeStateSeal.isSealed(stored));
        assertArrayEquals(plainJava(cart), stored, "an ordinary value is stored as before: plain Java serialization");
    }

    @Test
    void theSameClassesWrittenIntoTheStoreWithoutTheSealAreRefused() throws IOException {
        UndecodableAttributeException mojarra = assertThrows(UndecodableAttributeException.class,
                () -> codec(KEY).decode("v", plainJava(view())));
        assertTrue(mojarra.getCause().getMessage().contains("com.sun.faces.sealtest.SavedView is denied"), mojarra.getCause().getMessage());
        UndecodableAttributeException api = assertThrows(UndecodableAttributeException.class,
                () -> codec(KEY).decode("v", plainJava(new FacesMessage("forged"))));
        assertTrue(api.getCause().getMessage().contains("jakarta.faces.application.FacesMessage is not allowed"), api.getCause().getMessage());
    }

    @Test
    void aSealWithoutTheKeyOrAChangedByteIsRefused() throws IOException {
        byte[] forged = plainJava(view());
        byte[] withMagic = new byte[RuntimeStateSeal.MAGIC.length + RuntimeStateSeal.MAC_LENGTH + forged.length];
        System.arraycopy(RuntimeStateSeal.MAGIC, 0, withMagic, 0, RuntimeStateSeal.MAGIC.length);
        System.arraycopy(forged, 0, withMagic, RuntimeStateSeal.MAGIC.length + RuntimeStateSeal.MAC_LENGTH, forged.length);
        assertRefusedAsUnsealed(withMagic);

        byte[] sealed = codec(KEY).encode("v", view());
        byte[] changed = Arrays.copyOf(sealed, sealed.length);
        changed[changed.length - 3] ^= 1;
        assertRefusedAsUnsealed(changed);
        assertRefusedAsUnsealed(Arrays.copyOf(sealed, sealed.length - 1));
    }

    @Test
    void aSealedValueCopiedUnderAnotherNameIsRefused() {
        byte[] sealed = codec(KEY).encode("com.sun.faces.logicalViewMap", view());
        UndecodableAttributeException e = assertThrows(UndecodableAttributeException.class,
                () -> codec(KEY).decode("com.sun.faces.application.view.activeViewMaps", sealed));
        assertTrue(e.getCause().getMessage().contains("seal does not verify"), e.getCause().getMessage());
    }

    @Test
    void anotherKeyCannotReadItAFallbackKeyCan() {
        byte[] sealed = codec(KEY).encode("v", view());
        UndecodableAttributeException other = assertThrows(UndecodableAttributeException.class, () -> codec(OTHER_KEY).decode("v", sealed));
        assertTrue(other.getCause().getMessage().contains("seal does not verify"));
        SavedView read = (SavedView) codec(OTHER_KEY, KEY).decode("v", sealed);
        assertEquals("counter", read.get("-1:2")[0], "a rotation: the old key still verifies as a fallback");
    }

    @Test
    void withoutAKeyOnlyThisProcessCanReadIt() {
        JavaAttributeCodec one = codec(null);
        byte[] sealed = one.encode("v", view());
        assertEquals("counter", ((SavedView) one.decode("v", sealed)).get("-1:2")[0]);
        assertThrows(UndecodableAttributeException.class, () -> codec(null).decode("v", sealed),
                "another server (or this one restarted) has another random key");
    }

    /**
     * Mojarra's view state of a page in a Faces flow holds method expressions (Expressly's, under
     * {@code jakarta.el.MethodExpression}): read back inside a sealed value, refused outside one.
     */
    @Test
    void anExpressionOfTheRuntimesStateIsReadOnlyInsideASealedValue() throws IOException {
        SavedView view = new SavedView();
        view.put("-1:7", new Object[] {new org.glassfish.expressly.sealtest.FlowMethodExpression("#{flowCounter.increment}")});
        byte[] stored = codec(KEY).encodeForPut("com.sun.faces.renderkit.ServerSideStateHelper.LogicalViewMap", view);
        assertTrue(RuntimeStateSeal.isSealed(stored));
        SavedView read = (SavedView) codec(KEY).decode("com.sun.faces.renderkit.ServerSideStateHelper.LogicalViewMap", stored);
        assertEquals("#{flowCounter.increment}", ((jakarta.el.MethodExpression) read.get("-1:7")[0]).getExpressionString());

        UndecodableAttributeException unsealed = assertThrows(UndecodableAttributeException.class,
                () -> codec(KEY).decode("v", plainJava(new org.glassfish.expressly.sealtest.FlowMethodExpression("#{x.y}"))));
        assertTrue(unsealed.getCause().getMessage().contains("FlowMethodExpression is not allowed"), unsealed.getCause().getMessage());
    }

    @Test
    void theDenialsStillHoldInsideASealedValue() throws Exception {
        List<Object> mixed = new ArrayList<>(List.of(new FacesMessage("x"), new URL("http://127.0.0.1:1/")));
        byte[] sealed = codec(KEY).encode("v", mixed);
        assertTrue(RuntimeStateSeal.isSealed(sealed));
        UndecodableAttributeException e = assertThrows(UndecodableAttributeException.class, () -> codec(KEY).decode("v", sealed));
        assertTrue(e.getCause().getMessage().contains("java.net.URL is denied"), e.getCause().getMessage());
    }

    /**
     * MyFaces' flow and client window holders keep a serializable lambda: read back inside a
     * sealed value (its class, the declaring class, passes the filter as runtime state), never
     * outside one, and never one declared by a class the reader does not allow, sealed or not.
     */
    @Test
    void aLambdaOfTheRuntimesStateIsReadOnlyInsideASealedValue() throws IOException {
        ClientWindows windows = new ClientWindows();
        byte[] sealed = codec(KEY).encodeForPut("WELD_S#2", windows);
        assertTrue(RuntimeStateSeal.isSealed(sealed));
        ClientWindows read = (ClientWindows) codec(KEY).decode("WELD_S#2", sealed);
        read.expire("w1");
        assertEquals(List.of("w1"), read.expired(), "the lambda read back is bound to the object read back");

        // unsealed, even with the declaring class allowlisted: the lambda's form stays denied
        JavaAttributeCodec allowing = new JavaAttributeCodec(RuntimeStateSealTest.class.getClassLoader(),
                List.of("org.apache.myfaces.sealtest.*"), RuntimeStateSeal.of(Optional.of(KEY), List.of()));
        UndecodableAttributeException plain = assertThrows(UndecodableAttributeException.class,
                () -> allowing.decode("WELD_S#2", plainJava(windows)));
        assertTrue(plain.getCause().getMessage().contains("java.lang.invoke.SerializedLambda is denied"), plain.getCause().getMessage());

        java.util.function.Supplier<String> notTheRuntimes = (java.util.function.Supplier<String> & java.io.Serializable) () -> "x";
        byte[] mixed = codec(KEY).encode("v", new ArrayList<>(List.of(new FacesMessage("x"), notTheRuntimes)));
        assertTrue(RuntimeStateSeal.isSealed(mixed));
        UndecodableAttributeException foreign = assertThrows(UndecodableAttributeException.class, () -> codec(KEY).decode("v", mixed));
        assertTrue(foreign.getCause().getMessage().contains(RuntimeStateSealTest.class.getName() + " is not allowed"),
                foreign.getCause().getMessage());
    }

    /** What Weld writes for a qualifier of an injection point: the JDK's annotation instance. */
    @jakarta.enterprise.context.Initialized(jakarta.enterprise.context.SessionScoped.class)
    private static final Object QUALIFIED = null;

    /** A proxy of an interface that is no annotation, with a handler that serializes. */
    private static final class Handler implements java.lang.reflect.InvocationHandler, java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] arguments) {
            return null;
        }
    }

    /**
     * MyFaces' flow holder injects {@code @Initialized(FlowScoped.class) Event<Flow>}, which Weld
     * writes with the qualifier's annotation instance (a JDK proxy): read back inside a sealed
     * value, never outside one, and no other proxy, sealed or not.
     */
    @Test
    void anAnnotationInstanceIsReadOnlyInsideASealedValue() throws Exception {
        java.lang.annotation.Annotation qualifier = RuntimeStateSealTest.class.getDeclaredField("QUALIFIED")
                .getAnnotation(jakarta.enterprise.context.Initialized.class);
        byte[] sealed = codec(KEY).encode("v", new ArrayList<>(List.of(view(), qualifier)));
        assertTrue(RuntimeStateSeal.isSealed(sealed));
        List<?> read = (List<?>) codec(KEY).decode("v", sealed);
        assertEquals(qualifier, read.get(1));
        assertEquals(jakarta.enterprise.context.SessionScoped.class, ((jakarta.enterprise.context.Initialized) read.get(1)).value());

        UndecodableAttributeException plain = assertThrows(UndecodableAttributeException.class,
                () -> codec(KEY).decode("v", plainJava(new ArrayList<>(List.of(qualifier)))));
        assertTrue(plain.getCause().getMessage().contains("a proxy for jakarta.enterprise.context.Initialized is denied"),
                plain.getCause().getMessage());

        Object runnable = java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Runnable.class}, new Handler());
        byte[] other = codec(KEY).encode("v", new ArrayList<>(List.of(view(), runnable)));
        assertTrue(RuntimeStateSeal.isSealed(other));
        UndecodableAttributeException proxy = assertThrows(UndecodableAttributeException.class, () -> codec(KEY).decode("v", other));
        assertTrue(proxy.getCause().getMessage().contains("a proxy for java.lang.Runnable is denied"), proxy.getCause().getMessage());
    }

    private static void assertRefusedAsUnsealed(byte[] bytes) {
        UndecodableAttributeException e = assertThrows(UndecodableAttributeException.class, () -> codec(KEY).decode("v", bytes));
        assertTrue(e.getCause().getMessage().contains("seal does not verify"), e.getCause().getMessage());
    }
}
