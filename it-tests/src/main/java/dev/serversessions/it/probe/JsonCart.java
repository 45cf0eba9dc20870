package dev.serversessions.it.probe;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** A POJO with a list of records, a java.time field and an enum, as JSON-B binds it. */
public class JsonCart {
    private List<JsonItem> items = new ArrayList<>();
    private LocalDate delivery;
    private Wrapping wrapping = Wrapping.NONE;

    public List<JsonItem> getItems() {
        return items;
    }

    public void setItems(List<JsonItem> items) {
        this.items = items;
    }

    public LocalDate getDelivery() {
        return delivery;
    }

    public void setDelivery(LocalDate delivery) {
        this.delivery = delivery;
    }

    public Wrapping getWrapping() {
        return wrapping;
    }

    public void setWrapping(Wrapping wrapping) {
        this.wrapping = wrapping;
    }

    /** A line the tests compare, the same on every runtime. */
    public String describe() {
        StringBuilder line = new StringBuilder();
        for (JsonItem item : items) {
            line.append(item.sku()).append('x').append(item.quantity()).append(' ');
        }
        return line.append("on ").append(delivery).append(" in ").append(wrapping).toString();
    }
}
