package org.dlbench.core.workload;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** One layer of a workload, as written in its JSON file under {@code "type"}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Layer.Dense.class, name = "dense"),
    @JsonSubTypes.Type(value = Layer.Conv2d.class, name = "conv2d"),
    @JsonSubTypes.Type(value = Layer.MaxPool2d.class, name = "maxpool2d"),
    @JsonSubTypes.Type(value = Layer.AvgPool2d.class, name = "avgpool2d"),
    @JsonSubTypes.Type(value = Layer.Flatten.class, name = "flatten"),
})
public sealed interface Layer {

    /** Names accepted in {@code "type"}; kept next to the annotation above so error messages stay true. */
    String KNOWN_TYPES = "dense, conv2d, maxpool2d, avgpool2d, flatten";

    /** The JSON type name. */
    String type();

    /** Fully connected layer: y = x W^T + b, weight stored [units, in] as in PyTorch. */
    record Dense(Integer units, Activation activation) implements Layer {
        public Dense {
            activation = activation == null ? Activation.NONE : activation;
        }
        public String type() { return "dense"; }
    }

    /** 2-D convolution over CHW input, weight stored [filters, in_channels, kernel, kernel]. */
    record Conv2d(Integer filters, Integer kernel, Integer stride, Integer padding, Activation activation) implements Layer {
        public Conv2d {
            stride = stride == null ? 1 : stride;
            padding = padding == null ? 0 : padding;
            activation = activation == null ? Activation.NONE : activation;
        }
        public String type() { return "conv2d"; }
    }

    /** Square max pooling, no padding. */
    record MaxPool2d(Integer kernel, Integer stride) implements Layer, Pool {
        public MaxPool2d {
            stride = stride == null ? kernel : stride;
        }
        public String type() { return "maxpool2d"; }
    }

    /** Square average pooling, no padding. */
    record AvgPool2d(Integer kernel, Integer stride) implements Layer, Pool {
        public AvgPool2d {
            stride = stride == null ? kernel : stride;
        }
        public String type() { return "avgpool2d"; }
    }

    /** Flattens CHW to a vector in C, H, W order (row-major, as NCHW engines do). */
    record Flatten() implements Layer {
        public String type() { return "flatten"; }
    }

    /** Common view of the two pooling layers. */
    interface Pool {
        Integer kernel();
        Integer stride();
    }
}
