package dev.serversessions.it.probe;

/** A record the JSON format stores through JSON-B. */
public record JsonItem(String sku, int quantity) {
}
