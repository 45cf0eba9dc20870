package com.sun.faces.sealtest;

import java.io.Serializable;
import java.util.LinkedHashMap;

/** Stands for Mojarra's own session state (its LRUMap of views): a class under com.sun.faces. */
public class SavedView extends LinkedHashMap<String, Object[]> implements Serializable {
    private static final long serialVersionUID = 1L;
}
