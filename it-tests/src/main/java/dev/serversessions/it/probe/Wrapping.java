package dev.serversessions.it.probe;

/** An enum the JSON format stores by name. */
public enum Wrapping { NONE, PAPER, GIFT_BOX }
