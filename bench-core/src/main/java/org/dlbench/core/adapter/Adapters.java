package org.dlbench.core.adapter;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds adapters on the classpath through {@link ServiceLoader}, always by explicit name. */
public final class Adapters {
    private Adapters() {
    }

    public static List<EngineAdapter> all() {
        List<EngineAdapter> list = new ArrayList<>();
        ServiceLoader.load(EngineAdapter.class).forEach(list::add);
        return list;
    }

    public static EngineAdapter byName(String name) {
        List<EngineAdapter> all = all();
        return all.stream().filter(a -> a.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown engine '" + name + "' on this classpath (have: "
                        + all.stream().map(EngineAdapter::name).collect(Collectors.joining(", ")) + ")"));
    }
}
