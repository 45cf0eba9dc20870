package dev.serversessions.it.probe;

import dev.serversessions.api.ServerSessionScoped;
import java.io.Serializable;
import java.util.List;

/**
 * Fifty distinct {@code @ServerSessionScoped} beans, so that a test can change fifty different
 * beans of one session in fifty concurrent requests. One class each, because a bean is a class
 * (and its qualifiers): fifty instances of one class would be one bean.
 */
public final class Slots {
    private Slots() {
    }

    /** What every slot holds: one string, changed in place. */
    public abstract static class Slot implements Serializable {
        private static final long serialVersionUID = 1L;
        private String value = "";

        public String value() {
            return value;
        }

        public void value(String value) {
            this.value = value;
        }
    }

    @ServerSessionScoped
    public static class Slot00 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot01 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot02 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot03 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot04 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot05 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot06 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot07 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot08 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot09 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot10 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot11 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot12 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot13 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot14 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot15 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot16 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot17 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot18 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot19 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot20 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot21 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot22 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot23 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot24 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot25 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot26 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot27 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot28 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot29 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot30 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot31 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot32 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot33 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot34 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot35 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot36 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot37 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot38 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot39 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot40 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot41 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot42 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot43 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot44 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot45 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot46 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot47 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot48 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    @ServerSessionScoped
    public static class Slot49 extends Slot {
        private static final long serialVersionUID = 1L;
    }

    /** Slot number i is ALL.get(i). */
    public static final List<Class<? extends Slot>> ALL = List.of(Slot00.class, Slot01.class, Slot02.class, Slot03.class, Slot04.class, Slot05.class, Slot06.class, Slot07.class, Slot08.class, Slot09.class, Slot10.class, Slot11.class, Slot12.class, Slot13.class, Slot14.class, Slot15.class, Slot16.class, Slot17.class, Slot18.class, Slot19.class, Slot20.class, Slot21.class, Slot22.class, Slot23.class, Slot24.class, Slot25.class, Slot26.class, Slot27.class, Slot28.class, Slot29.class, Slot30.class, Slot31.class, Slot32.class, Slot33.class, Slot34.class, Slot35.class, Slot36.class, Slot37.class, Slot38.class, Slot39.class, Slot40.class, Slot41.class, Slot42.class, Slot43.class, Slot44.class, Slot45.class, Slot46.class, Slot47.class, Slot48.class, Slot49.class);
}
