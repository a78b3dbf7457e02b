package org.dlbench.core.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Jackson's errors as one line, {@code path: problem}: the JSON path of the field (from the mapping exception's
 * path, or the parser's position for a syntax error) and what is wrong there in words, without Java type names.
 */
public final class JsonErrors {
    /** The path shown for a problem with the whole document. */
    public static final String TOP = "top level";

    private JsonErrors() {
    }

    /**
     * One line for a Jackson error: {@code path: problem}.
     *
     * @param tree the document as a tree, when it was read before binding (to say what was found at the path); may
     *     be null
     */
    public static String describe(JsonProcessingException e, JsonNode tree) {
        if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Trailing token")) {
            JsonLocation loc = e.getLocation();
            return TOP + ": not valid JSON" + (loc == null ? "" : " at line " + loc.getLineNr() + ", column "
                    + loc.getColumnNr()) + ": more follows the end of the document";
        }
        if (e instanceof InputCoercionException c) {
            return TOP + ": expected " + expected(c.getTargetType()) + ", got a number out of its range";
        }
        if (e instanceof JsonMappingException m && !(m.getPath().isEmpty() && syntax(m))) {
            String path = path(m);
            return path + ": " + mappingProblem(m, tree == null ? null : tree.at(pointer(m)));
        }
        return syntaxProblem(e);
    }

    /** The JSON path of a mapping error, e.g. {@code results[3].status}, or {@link #TOP}. */
    public static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? TOP : sb.toString();
    }

    /** A JSON pointer ({@code /results/3/status}) as a path ({@code results[3].status}), or {@link #TOP}. */
    public static String path(JsonPointer pointer) {
        StringBuilder sb = new StringBuilder();
        for (JsonPointer p = pointer; p != null && !p.matches(); p = p.tail()) {
            if (p.mayMatchElement()) {
                sb.append('[').append(p.getMatchingIndex()).append(']');
            } else {
                sb.append(sb.length() == 0 ? "" : ".").append(p.getMatchingProperty());
            }
        }
        return sb.length() == 0 ? TOP : sb.toString();
    }

    /** A number as JSON writes it: integers without a fraction. */
    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static boolean syntax(JsonMappingException m) {
        // a syntax error met while binding arrives wrapped; its cause is the parser's own error
        return m.getCause() instanceof com.fasterxml.jackson.core.JsonParseException
                || m.getCause() instanceof JsonEOFException;
    }

    /** The JSON pointer of a mapping error's path, to look the bad value up in the document's tree. */
    public static JsonPointer pointer(JsonMappingException e) {
        JsonPointer p = JsonPointer.empty();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                p = p.appendProperty(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                p = p.appendIndex(ref.getIndex());
            }
        }
        return p;
    }

    private static String mappingProblem(JsonMappingException e, JsonNode found) {
        if (e instanceof UnrecognizedPropertyException u) {
            Collection<Object> known = u.getKnownPropertyIds();
            return "unknown field" + (known == null || known.isEmpty() ? "" : " (known: " + known.stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")");
        }
        if (e instanceof InvalidTypeIdException t) {
            return t.getTypeId() == null ? "no type given" : "unknown type '" + t.getTypeId() + "'";
        }
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (original.startsWith("Missing required creator property")) {
            return "missing";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof InputCoercionException c) {
            return "expected " + expected(c.getTargetType()) + ", got a number out of its range"
                    + (found == null || found.isMissingNode() ? "" : " (" + found.asText() + ")");
        }
        if (root instanceof IllegalArgumentException && root.getMessage() != null) {
            return firstLine(root.getMessage());
        }
        if (e instanceof ValueInstantiationException) {
            return "invalid value" + (root instanceof NullPointerException ? " (a null where a value is needed)" : "");
        }
        if (e instanceof InvalidFormatException f) {
            return "expected " + expected(f.getTargetType()) + ", got " + value(f.getValue());
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "expected " + expected(m.getTargetType()) + (found == null || found.isMissingNode() ? ""
                    : ", got " + describe(found));
        }
        return "invalid value";
    }

    private static String syntaxProblem(JsonProcessingException e) {
        Throwable cause = e instanceof JsonMappingException && e.getCause() instanceof JsonProcessingException c
                ? c : e;
        JsonProcessingException p = (JsonProcessingException) cause;
        String where = TOP;
        if (p.getProcessor() instanceof JsonParser parser && parser.getParsingContext() != null) {
            where = path(parser.getParsingContext().pathAsPointer());
        }
        JsonLocation loc = p.getLocation();
        String at = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        String why = p instanceof JsonEOFException || String.valueOf(p.getOriginalMessage())
                .startsWith("Unexpected end-of-input") ? "the file ends early (truncated?)"
                : firstLine(p.getOriginalMessage());
        return where + ": not valid JSON" + at + ": " + why;
    }

    /** What a JSON node is, in words: {@code an object}, {@code a list}, {@code the string "x"}, {@code null}. */
    public static String describe(JsonNode n) {
        if (n == null || n.isNull()) {
            return "null";
        }
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isTextual()) {
            return "the string " + quoted(n.asText());
        }
        if (n.isBoolean()) {
            return String.valueOf(n.asBoolean());
        }
        if (n.isNumber()) {
            return "the number " + n.asText();
        }
        return n.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another value";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()
                    .toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || !type.getName().startsWith("java.")) {
            return "an object";
        }
        return "a " + type.getSimpleName().toLowerCase(Locale.ROOT);
    }

    private static String value(Object v) {
        if (v == null) {
            return "null";
        }
        return v instanceof String s ? "the string " + quoted(s) : String.valueOf(v);
    }

    private static String quoted(String s) {
        String one = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return "\"" + one.replace("\n", "\\n").replace("\r", "\\r") + "\"";
    }

    /** The first line of a message, without Jackson's source-location suffix. */
    static String firstLine(String s) {
        if (s == null) {
            return "invalid value";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        int source = line.indexOf(" [Source:");
        if (source < 0) {
            source = line.indexOf(" (start marker at");
        }
        return (source < 0 ? line : line.substring(0, source)).trim();
    }
}
