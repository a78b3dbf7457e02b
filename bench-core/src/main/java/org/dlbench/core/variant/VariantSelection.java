package org.dlbench.core.variant;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.dlbench.core.host.CpuFlags;

/**
 * The {@code --variants} request: comma-separated terms, each {@code best}, {@code shipped}, {@code all}, a variant
 * name (every engine that has it), or {@code ENGINE:TERM} for one engine only. {@link #resolve} turns it into the
 * variants to measure per engine, each with why it was picked and, when the host cannot run it, the one-line reason.
 *
 * <p>{@code best} is the first variant in the engine's declared order (fastest expected first) that the host can run;
 * the choice records what it passed over and why. It is decided by CPU flags, built classpaths and fixed
 * unavailability, never by a timing of the same run.
 */
public final class VariantSelection {
    /** What {@code --variants} means when not given. */
    public static final String DEFAULT = "best";

    /** Why a variant was picked. */
    public enum Pick {
        BEST, SHIPPED, ALL, NAMED;

        /** The word results use: {@code best}, {@code shipped}, {@code all}, {@code named}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One term of the request.
     *
     * @param engine the engine it is restricted to, or null for every engine
     * @param word {@code best}, {@code shipped}, {@code all} or a variant name, lower case
     * @param text the term as written
     */
    public record Term(String engine, String word, String text) {
    }

    /**
     * One variant to measure.
     *
     * @param variant the variant
     * @param picks why it was picked (one or more)
     * @param why the reasoning in one line, for results and reports
     * @param unsupportedReason null when the host can run it, else why not (the result is then {@code unsupported})
     */
    public record Choice(Variant variant, Set<Pick> picks, String why, String unsupportedReason) {
        public Choice {
            if (picks == null || picks.isEmpty()) {
                throw new IllegalArgumentException("variant choice " + variant.id() + " needs at least one pick");
            }
            picks = Collections.unmodifiableSet(EnumSet.copyOf(picks));
        }

        public boolean runnable() {
            return unsupportedReason == null;
        }

        /** What a result records about this choice. */
        public VariantRecord record() {
            return new VariantRecord(variant.name(), variant.kind().id(), picks.stream().map(Pick::id).toList(), why,
                    variant.classpath(), variant.jvmArgs(), variant.environment());
        }
    }

    private final String text;
    private final List<Term> terms;

    private VariantSelection(String text, List<Term> terms) {
        this.text = text;
        this.terms = List.copyOf(terms);
    }

    /**
     * Reads a {@code --variants} value.
     *
     * @throws VariantException with one line when the text is empty or a term is malformed
     */
    public static VariantSelection parse(String text) {
        if (text == null || text.isBlank()) {
            throw new VariantException("--variants is empty: give best, shipped, all or variant names,"
                    + " comma-separated (e.g. best,shipped or DL4J:avx512)");
        }
        List<Term> terms = new ArrayList<>();
        for (String raw : text.split(",", -1)) {
            String t = raw.strip();
            if (t.isEmpty()) {
                throw new VariantException("--variants '" + text + "': empty entry between commas");
            }
            String engine = null;
            String word = t;
            int colon = t.indexOf(':');
            if (colon >= 0) {
                engine = t.substring(0, colon).strip();
                word = t.substring(colon + 1).strip();
                if (engine.isEmpty() || word.isEmpty() || word.contains(":")) {
                    throw new VariantException("--variants: '" + t + "' must be ENGINE:NAME, e.g. DL4J:avx512");
                }
                if (!Variant.ENGINE.matcher(engine).matches()) {
                    throw new VariantException("--variants: '" + engine + "' in '" + t + "' is not an engine name");
                }
            }
            word = word.toLowerCase(Locale.ROOT);
            if (!Variant.NAME.matcher(word).matches()) {
                throw new VariantException("--variants: '" + t + "' is not a variant name (letters, digits, . + -)"
                        + " nor best, shipped or all");
            }
            terms.add(new Term(engine, word, t));
        }
        return new VariantSelection(text, terms);
    }

    /** The request as written. */
    public String text() {
        return text;
    }

    public List<Term> terms() {
        return terms;
    }

    /**
     * Availability from the host's CPU flags and the engine modules' built classpath files, for {@link #resolve}.
     *
     * @param moduleDirOf the engine module's directory for an engine name
     */
    public static Function<Variant, Optional<String>> onHost(CpuFlags host, Function<String, Path> moduleDirOf) {
        return v -> v.unsupportedReason(host, moduleDirOf.apply(v.engine()));
    }

    /**
     * Checks a catalogue of declared variants: every engine has at least one, names are unique per engine, exactly
     * one is shipped, and each variant names the engine it is listed under.
     *
     * @throws VariantException naming the first problem
     */
    public static void checkCatalogue(Map<String, List<Variant>> catalogue) {
        for (Map.Entry<String, List<Variant>> e : catalogue.entrySet()) {
            String engine = e.getKey();
            List<Variant> variants = e.getValue();
            if (variants == null || variants.isEmpty()) {
                throw new VariantException("engine " + engine + " declares no variant (it needs at least its"
                        + " shipped one)");
            }
            Set<String> names = new HashSet<>();
            int shipped = 0;
            for (Variant v : variants) {
                if (!v.engine().equals(engine)) {
                    throw new VariantException("variant " + v.id() + " is listed under engine " + engine);
                }
                if (!names.add(v.name())) {
                    throw new VariantException("engine " + engine + " declares variant " + v.name() + " twice");
                }
                if (v.shipped()) {
                    shipped++;
                }
            }
            if (shipped != 1) {
                throw new VariantException("engine " + engine + " must mark exactly one variant as shipped, not "
                        + shipped);
            }
        }
    }

    /**
     * The variants to measure, per engine in the catalogue's order, each engine's in its declared order. Engines no
     * term picks are absent. A variant the host cannot run is still chosen when a term names it (or asks for
     * {@code shipped} or {@code all}), with its reason; {@code best} passes over such variants and says so.
     *
     * @param catalogue each engine's variants, fastest expected first (see {@link #checkCatalogue})
     * @param availability why a variant cannot run here, or empty when it can (see {@link #onHost})
     * @throws VariantException with one line for an unknown engine or variant name
     */
    public Map<String, List<Choice>> resolve(Map<String, List<Variant>> catalogue,
                                             Function<Variant, Optional<String>> availability) {
        checkCatalogue(catalogue);
        Map<String, String> engineByLowerName = new LinkedHashMap<>();
        catalogue.keySet().forEach(e -> engineByLowerName.put(e.toLowerCase(Locale.ROOT), e));
        // validate every term first, so that a bad name fails the request before anything is decided
        for (Term t : terms) {
            check(t, catalogue, engineByLowerName);
        }
        Map<String, Optional<String>> reasons = new LinkedHashMap<>();
        Function<Variant, Optional<String>> cached = v -> reasons.computeIfAbsent(v.id(), id -> availability.apply(v));
        Map<String, List<Choice>> result = new LinkedHashMap<>();
        for (Map.Entry<String, List<Variant>> e : catalogue.entrySet()) {
            String engine = e.getKey();
            List<Variant> variants = e.getValue();
            Map<String, EnumSet<Pick>> picked = new LinkedHashMap<>();
            String bestWhy = null;
            for (Term t : terms) {
                if (t.engine() != null && !engineByLowerName.get(t.engine().toLowerCase(Locale.ROOT)).equals(engine)) {
                    continue;
                }
                switch (t.word()) {
                    case "best" -> {
                        Best best = best(engine, variants, cached);
                        bestWhy = best.why();
                        add(picked, best.variant(), Pick.BEST);
                    }
                    case "shipped" -> add(picked, shipped(variants), Pick.SHIPPED);
                    case "all" -> {
                        // every variant, and which of them best and shipped would pick, for the reports to pair
                        variants.forEach(v -> add(picked, v, Pick.ALL));
                        Best best = best(engine, variants, cached);
                        bestWhy = best.why();
                        add(picked, best.variant(), Pick.BEST);
                        add(picked, shipped(variants), Pick.SHIPPED);
                    }
                    default -> variants.stream().filter(v -> v.name().equals(t.word())).findFirst()
                            .ifPresent(v -> add(picked, v, Pick.NAMED));
                }
            }
            if (picked.isEmpty()) {
                continue;
            }
            List<Choice> choices = new ArrayList<>();
            for (Variant v : variants) {
                EnumSet<Pick> picks = picked.get(v.name());
                if (picks == null) {
                    continue;
                }
                List<String> why = new ArrayList<>();
                for (Pick p : picks) {
                    switch (p) {
                        case BEST -> why.add(bestWhy);
                        case SHIPPED -> why.add("shipped: " + engine + "'s out-of-the-box setup");
                        case ALL -> why.add("all: every variant of " + engine);
                        case NAMED -> why.add("named in --variants " + text);
                    }
                }
                choices.add(new Choice(v, picks, String.join("; ", why), cached.apply(v).orElse(null)));
            }
            result.put(engine, List.copyOf(choices));
        }
        return Collections.unmodifiableMap(result);
    }

    private record Best(Variant variant, String why) {
    }

    /** The first variant the host can run, in declared order, and the record of what was passed over. */
    private static Best best(String engine, List<Variant> variants, Function<Variant, Optional<String>> availability) {
        List<String> passedOver = new ArrayList<>();
        for (Variant v : variants) {
            Optional<String> reason = availability.apply(v);
            if (reason.isEmpty()) {
                String why = "best: " + v.name() + ", the first of " + engine + "'s variants (fastest expected first)"
                        + " that this host can run";
                return new Best(v, passedOver.isEmpty() ? why : why + "; passed over: "
                        + String.join("; ", passedOver));
            }
            passedOver.add(v.name() + " (" + reason.get() + ")");
        }
        Variant shipped = shipped(variants);
        return new Best(shipped, "best: none of " + engine + "'s variants can run on this host, so its shipped "
                + shipped.name() + " is reported as unsupported; passed over: " + String.join("; ", passedOver));
    }

    private static Variant shipped(List<Variant> variants) {
        return variants.stream().filter(Variant::shipped).findFirst().orElseThrow();
    }

    private static void add(Map<String, EnumSet<Pick>> picked, Variant v, Pick pick) {
        picked.computeIfAbsent(v.name(), n -> EnumSet.noneOf(Pick.class)).add(pick);
    }

    private void check(Term t, Map<String, List<Variant>> catalogue, Map<String, String> engineByLowerName) {
        boolean keyword = Variant.RESERVED.contains(t.word());
        if (t.engine() != null) {
            String engine = engineByLowerName.get(t.engine().toLowerCase(Locale.ROOT));
            if (engine == null) {
                throw new VariantException("--variants: unknown engine '" + t.engine() + "' in '" + t.text()
                        + "' (engines: " + String.join(", ", catalogue.keySet()) + ")");
            }
            if (!keyword && catalogue.get(engine).stream().noneMatch(v -> v.name().equals(t.word()))) {
                throw new VariantException("--variants: " + engine + " has no variant '" + t.word() + "' (it has: "
                        + catalogue.get(engine).stream().map(Variant::name).collect(Collectors.joining(", ")) + ")");
            }
            return;
        }
        if (!keyword && catalogue.values().stream().flatMap(List::stream).noneMatch(v -> v.name().equals(t.word()))) {
            TreeSet<String> known = catalogue.values().stream().flatMap(List::stream).map(Variant::name)
                    .collect(Collectors.toCollection(TreeSet::new));
            throw new VariantException("--variants: no engine has a variant named '" + t.word() + "' (known: "
                    + String.join(", ", known) + "; or best, shipped, all)");
        }
    }
}
