package org.dlbench.core.workload.layer;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * One layer type of the workload format, as written in a node's {@code "type"}. Each implementation is the single
 * place that knows its layer: fields and validation ({@link #outputShape}), parameters by role ({@link #params}),
 * FLOPs, and the reference maths ({@link #forward}, {@link #backward}) in double. Engines translate a layer through a
 * {@link Visitor}, which has one method per layer type: a new layer type adds a method, so every engine that has not
 * translated it fails to compile (Java 17 has no pattern {@code switch}; the visitor is its exhaustive equivalent).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Dense.class, name = "dense"),
    @JsonSubTypes.Type(value = Conv2d.class, name = "conv2d"),
    @JsonSubTypes.Type(value = MaxPool2d.class, name = "maxpool2d"),
    @JsonSubTypes.Type(value = AvgPool2d.class, name = "avgpool2d"),
    @JsonSubTypes.Type(value = GlobalAvgPool.class, name = "globalavgpool"),
    @JsonSubTypes.Type(value = Flatten.class, name = "flatten"),
    @JsonSubTypes.Type(value = BatchNorm.class, name = "batchnorm"),
    @JsonSubTypes.Type(value = Add.class, name = "add"),
    @JsonSubTypes.Type(value = Embedding.class, name = "embedding"),
    @JsonSubTypes.Type(value = EmbeddingBag.class, name = "embeddingbag"),
    @JsonSubTypes.Type(value = Lstm.class, name = "lstm"),
    @JsonSubTypes.Type(value = LayerNorm.class, name = "layernorm"),
    @JsonSubTypes.Type(value = Gelu.class, name = "gelu"),
    @JsonSubTypes.Type(value = Attention.class, name = "attention"),
    @JsonSubTypes.Type(value = Dot.class, name = "dot"),
    @JsonSubTypes.Type(value = Concat.class, name = "concat"),
    @JsonSubTypes.Type(value = MeanPool.class, name = "meanpool"),
})
public sealed interface Layer permits Dense, Conv2d, MaxPool2d, AvgPool2d, GlobalAvgPool, Flatten, BatchNorm, Add,
        Embedding, EmbeddingBag, Lstm, LayerNorm, Gelu, Attention, Dot, Concat, MeanPool {

    /** Names accepted in {@code "type"}; kept next to the annotation above so error messages stay true. */
    String KNOWN_TYPES = "dense, conv2d, maxpool2d, avgpool2d, globalavgpool, flatten, batchnorm, add, embedding, "
            + "embeddingbag, lstm, layernorm, gelu, attention, dot, concat, meanpool";

    /** The JSON type name. */
    String type();

    /** Calls the visitor's method for this layer type. */
    <R> R accept(Visitor<R> visitor);

    /**
     * One method per layer type, so a translation that misses one does not compile. Engines implement it once for
     * building and once (usually) for {@code supports()}.
     */
    interface Visitor<R> {
        R dense(Dense layer);

        R conv2d(Conv2d layer);

        R maxPool2d(MaxPool2d layer);

        R avgPool2d(AvgPool2d layer);

        R globalAvgPool(GlobalAvgPool layer);

        R flatten(Flatten layer);

        R batchNorm(BatchNorm layer);

        R add(Add layer);

        R embedding(Embedding layer);

        R embeddingBag(EmbeddingBag layer);

        R lstm(Lstm layer);

        R layerNorm(LayerNorm layer);

        R gelu(Gelu layer);

        R attention(Attention layer);

        R dot(Dot layer);

        R concat(Concat layer);

        R meanPool(MeanPool layer);
    }

    /** True for the layers that read integer ids (embedding, embeddingbag); every other layer reads float32. */
    default boolean readsIds() {
        return false;
    }

    /**
     * Bytes one sample's forward pass reads by table lookup (embedding rows), counted apart from FLOPs: a lookup moves
     * memory and does no arithmetic.
     */
    default long lookupBytes(Shapes shapes) {
        return 0;
    }

    /** How many inputs the layer takes at least (1 for most; {@code add} takes 2 or more). */
    default int minInputs() {
        return 1;
    }

    /** How many inputs the layer takes at most. */
    default int maxInputs() {
        return 1;
    }

    /**
     * Validates the layer's fields against its input sample shapes and returns its output sample shape; a
     * {@link LayerException} names the field (or the input) and the reason.
     */
    int[] outputShape(List<int[]> in);

    /** The tensors the layer owns, by role, for the given shapes; none by default. */
    default List<Param> params(Shapes shapes) {
        return List.of();
    }

    /** FLOPs of one sample's forward pass (a multiply-add counts two). */
    long forwardFlops(Shapes shapes);

    /**
     * FLOPs of one sample's backward pass: parameter gradients, and input gradients when {@code inputGradient}
     * (some layer before it has parameters).
     */
    long backwardFlops(Shapes shapes, boolean inputGradient);

    /** The reference forward pass of a batch. */
    Tensor forward(Shapes shapes, List<Tensor> in, Params params);

    /**
     * The reference backward pass of a batch: adds the parameter gradients into {@link Params#gradient} and returns
     * the gradient at each input, null where {@code needInput[i]} is false.
     *
     * @param out the output {@link #forward} returned for {@code in}
     * @param dOut the loss gradient at the output
     */
    Tensor[] backward(Shapes shapes, List<Tensor> in, Tensor out, Tensor dOut, Params params, boolean[] needInput);
}
