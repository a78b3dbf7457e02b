package org.dlbench.core.output;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The formats of one kind, by name, in a fixed order: the built-in ones first, then any found through
 * {@link ServiceLoader} (a name already taken is not replaced).
 *
 * @param <F> the kind of format
 */
public final class FormatRegistry<F extends OutputFormat<?>> {
    private final String kind;
    private final Map<String, F> byName;

    /**
     * @param kind what the formats write, for messages ("run", "comparison")
     * @param service the interface looked up with {@link ServiceLoader}
     * @param builtIn the formats dlbench ships, in the order they are listed and written
     */
    public FormatRegistry(String kind, Class<F> service, List<F> builtIn) {
        this.kind = kind;
        Map<String, F> m = new LinkedHashMap<>();
        for (F f : builtIn) {
            if (m.putIfAbsent(f.name(), f) != null) {
                throw new IllegalArgumentException("two " + kind + " formats are named " + f.name());
            }
        }
        for (F f : ServiceLoader.load(service, FormatRegistry.class.getClassLoader())) {
            m.putIfAbsent(f.name(), f);
        }
        byName = Collections.unmodifiableMap(m);
    }

    /** Every format, built-in ones first. */
    public List<F> all() {
        return List.copyOf(byName.values());
    }

    /** The names, in order. */
    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    public Optional<F> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The format of that name.
     *
     * @throws IllegalArgumentException naming the known formats when there is none
     */
    public F get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown format '" + name + "' (known: "
                + String.join(", ", names()) + ")"));
    }
}
