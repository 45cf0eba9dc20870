package dev.serversessions.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serversessions.internal.config.SettingsSource;
import jakarta.json.bind.annotation.JsonbCreator;
import jakarta.json.bind.annotation.JsonbProperty;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application's classes and records in SESSION_SERIALIZATION_FORMAT=json, through JSON-B, on a real store. */
class JsonObjectsTest {
    public enum Colour { RED, GREEN }

    public record Item(String sku, int quantity) {
    }

    /** A POJO as JSON-B likes it: a no-argument constructor, getters and setters. */
    public static class Cart {
        /** What a new Cart is wrapped in; null for most tests. */
        static Colour defaultWrapping;
        private List<Item> items = new ArrayList<>();
        private LocalDate delivery;
        private Colour wrapping = defaultWrapping;

        public List<Item> getItems() {
            return items;
        }

        public void setItems(List<Item> items) {
            this.items = items;
        }

        public LocalDate getDelivery() {
            return delivery;
        }

        public void setDelivery(LocalDate delivery) {
            this.delivery = delivery;
        }

        public Colour getWrapping() {
            return wrapping;
        }

        public void setWrapping(Colour wrapping) {
            this.wrapping = wrapping;
        }
    }

    public static class Node {
        public Node next;
    }

    public static class NoDefaultConstructor {
        private final String name;

        public NoDefaultConstructor(String name) {
            this.name = name;
        }

        public String getName() {
            return name;
        }
    }

    public static class WithCreator {
        private final String name;

        @JsonbCreator
        public WithCreator(@JsonbProperty("name") String name) {
            this.name = name;
        }

        public String getName() {
            return name;
        }
    }

    /** A property JSON-B writes (the getter) but cannot read back (no setter). */
    public static class ReadOnly {
        private String name;

        public ReadOnly() {
        }

        ReadOnly(String name) {
            this.name = name;
        }

        public String getName() {
            return name;
        }
    }

    /** A class no stored document may ever instantiate. */
    public static class Tripwire {
        static int made;

        public Tripwire() {
            made++;
        }
    }

    @TempDir
    Path dir;

    private SessionRuntime runtime() {
        return SessionRuntime.create(SettingsSource.of(Map.of("SESSION_FILE_DIR", dir.resolve("store").toString(),
                "SESSION_SERIALIZATION_FORMAT", "json")), getClass().getClassLoader(), Clock.systemUTC());
    }

    private static Cart cart() {
        Cart cart = new Cart();
        cart.getItems().add(new Item("apple", 2));
        cart.setDelivery(LocalDate.of(2026, 12, 24));
        cart.setWrapping(Colour.RED);
        return cart;
    }

    private static String store(RequestSession session) {
        return session.save().id();
    }

    private Path storedFile() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("store"))) {
            // the session's file, not the (empty) lock file beside it
            return files.filter(f -> f.toFile().length() > 0).findFirst().orElseThrow();
        }
    }

    @Test
    void aPojoWithAListOfRecordsADateAndAnEnumBindsToItsClassInTheNextRequest() {
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        first.put("cart", cart());
        String id = store(first);

        Cart cart = runtime.open(id).get("cart", Cart.class);
        assertEquals(List.of(new Item("apple", 2)), cart.getItems());
        assertEquals(LocalDate.of(2026, 12, 24), cart.getDelivery());
        assertEquals(Colour.RED, cart.getWrapping());
    }

    @Test
    void getWithoutATypeReturnsTheGenericJsonStructure() {
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        first.put("cart", cart());
        first.put("item", new Item("pear", 1));
        first.put("colour", Colour.GREEN);
        first.put("day", LocalDate.of(2026, 1, 2));
        String id = store(first);

        RequestSession second = runtime.open(id);
        assertEquals(Map.of("delivery", "2026-12-24", "items", List.of(Map.of("quantity", 2, "sku", "apple")), "wrapping", "RED"),
                second.get("cart"));
        assertEquals(Map.of("quantity", 1, "sku", "pear"), second.get("item"));
        assertEquals("GREEN", second.get("colour"));
        assertEquals("2026-01-02", second.get("day"));
        assertEquals(new Item("pear", 1), second.get("item", Item.class));
        assertEquals(Colour.GREEN, second.get("colour", Colour.class));
        assertEquals(LocalDate.of(2026, 1, 2), second.get("day", LocalDate.class));
    }

    @Test
    void recordsInsideListsAndMapsAreWrittenByJsonB() {
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        first.put("items", List.of(new Item("a", 1), new Item("b", 2)));
        first.put("byName", Map.of("x", new Item("x", 3)));
        String id = store(first);

        RequestSession second = runtime.open(id);
        assertEquals(List.of(Map.of("quantity", 1, "sku", "a"), Map.of("quantity", 2, "sku", "b")), second.get("items"));
        assertEquals(Map.of("x", Map.of("quantity", 3, "sku", "x")), second.get("byName"));
    }

    @Test
    void anObjectChangedInPlaceIsSavedAndAnUnchangedOneIsNotRewritten() {
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        first.put("cart", cart());
        first.put("wish", cart());
        String id = store(first);

        RequestSession changer = runtime.open(id);
        changer.get("wish", Cart.class); // bound from JSON and left as it was
        changer.get("cart", Cart.class).getItems().add(new Item("pear", 5));
        // another request (another server) replaces "wish" meanwhile: it stays replaced only if
        // this request does not write back the object it bound (even as the same JSON)
        RequestSession elsewhere = runtime().open(id);
        Cart replaced = new Cart();
        replaced.getItems().add(new Item("plum", 1));
        elsewhere.put("wish", replaced);
        store(elsewhere);
        changer.save();

        RequestSession after = runtime.open(id);
        assertEquals(List.of(new Item("apple", 2), new Item("pear", 5)), after.get("cart", Cart.class).getItems());
        assertEquals(List.of(new Item("plum", 1)), after.get("wish", Cart.class).getItems(),
                "the unchanged object was rewritten with what the request bound");
    }

    @Test
    void theStoredDocumentIsPlainJsonWithoutATypeMarker() throws Exception {
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        first.put("item", new Item("apple", 2));
        store(first);
        String stored = new String(Files.readAllBytes(storedFile()), StandardCharsets.ISO_8859_1);
        assertTrue(stored.contains("{\"quantity\":2,\"sku\":\"apple\"}") || stored.contains("{\"sku\":\"apple\",\"quantity\":2}"), stored);
        assertTrue(!stored.contains(Item.class.getName()), "no class name in the store: " + stored);
    }

    @Test
    void aCycleIsRefusedAtPutNamingTheAttribute() {
        Node node = new Node();
        node.next = node;
        RequestSession session = runtime().open(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.put("loop", node));
        assertTrue(e.getMessage().contains("'loop'") && e.getMessage().contains(Node.class.getName()), e.getMessage());
        assertNull(session.save().id(), "nothing was stored");
    }

    @Test
    void aClassWithoutADefaultConstructorOrCreatorIsRefusedAtPutSayingWhy() {
        RequestSession session = runtime().open(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> session.put("who", new NoDefaultConstructor("ann")));
        assertTrue(e.getMessage().contains("'who'") && e.getMessage().contains("@JsonbCreator")
                && e.getMessage().contains(NoDefaultConstructor.class.getName()), e.getMessage());
        session.put("who", new WithCreator("ann"));
        assertEquals("ann", runtime().open(store(session)).get("who", WithCreator.class).getName());
    }

    @Test
    void anObjectInsideAListIsCheckedToo() {
        RequestSession session = runtime().open(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> session.put("people", List.of(Map.of("who", new NoDefaultConstructor("ann")))));
        assertTrue(e.getMessage().contains("'people'") && e.getMessage().contains(NoDefaultConstructor.class.getName()), e.getMessage());
    }

    @Test
    void aNullWhereTheClassHasADefaultIsRefusedBecauseItWouldReadBackAsTheDefault() {
        Cart cart = cart();
        cart.setWrapping(null);
        Cart.defaultWrapping = Colour.GREEN;
        try {
            RequestSession session = runtime().open(null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.put("cart", cart));
            assertTrue(e.getMessage().contains("\"wrapping\":\"GREEN\""), e.getMessage());
        } finally {
            Cart.defaultWrapping = null;
        }
    }

    @Test
    void aFieldJsonBWouldLoseIsRefusedAtPut() {
        RequestSession session = runtime().open(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.put("r", new ReadOnly("lost on the way back")));
        assertTrue(e.getMessage().contains("'r'") && e.getMessage().contains("reads a " + ReadOnly.class.getName() + " back as {}"),
                e.getMessage());
    }

    @Test
    void aDocumentThatDoesNotFitTheClassIsAClassCastExceptionNamingTheAttribute() {
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        first.put("cart", Map.of("items", "not a list"));
        String id = store(first);
        ClassCastException e = assertThrows(ClassCastException.class, () -> runtime.open(id).get("cart", Cart.class));
        assertTrue(e.getMessage().contains("'cart'") && e.getMessage().contains(Cart.class.getName()), e.getMessage());
        RequestSession again = runtime.open(id);
        assertThrows(ClassCastException.class, () -> again.get("cart", String.class), "plain types do not bind");
        assertNotNull(again.get("cart"), "the session is kept");
    }

    @Test
    void storedDataNeverChoosesTheClass() {
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        // the shapes other libraries use for polymorphic typing
        first.put("cart", Map.of("@class", Tripwire.class.getName(), "@type", Tripwire.class.getName(),
                "items", List.of(Map.of("@class", Tripwire.class.getName(), "sku", "a", "quantity", 1))));
        String id = store(first);
        int made = Tripwire.made;
        Cart cart = runtime.open(id).get("cart", Cart.class);
        assertEquals(List.of(new Item("a", 1)), cart.getItems());
        assertEquals(made, Tripwire.made, "no Tripwire was made");
    }

    @Test
    void aDocumentEditedByAnotherProgramIsReadAsEdited() throws Exception {
        SessionRuntime runtime = runtime();
        RequestSession first = runtime.open(null);
        first.put("cart", cart());
        String id = store(first);
        Path file = storedFile();
        String stored = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        String edited = stored.replace("\"quantity\":2", "\"quantity\":7");
        assertTrue(!edited.equals(stored), "the quantity is where another program finds it: " + stored);
        java.nio.file.attribute.FileTime expiry = Files.getLastModifiedTime(file); // this store's expiry
        Files.write(file, edited.getBytes(StandardCharsets.ISO_8859_1));
        Files.setLastModifiedTime(file, expiry);
        assertEquals(7, runtime.open(id).get("cart", Cart.class).getItems().get(0).quantity());
    }
}
