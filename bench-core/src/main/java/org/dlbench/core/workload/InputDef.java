package org.dlbench.core.workload;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.util.List;

/**
 * One model input as a workload file's {@code "inputs"} list defines it, before validation ({@link ModelInput} is the
 * validated form): {@code {"name": "ids", "shape": [8, 4], "type": "int64", "vocabulary": 100000}}.
 *
 * @param type {@code float32} (the default), {@code int64} or {@code int32}
 * @param vocabulary integer inputs only: every id lies in {@code [0, vocabulary)}; one number, or one per row of the
 *                   sample ({@code shape[0]} numbers: tables of different sizes)
 * @param signal integer inputs only: the share of ids that carry the class (default 0.25)
 */
public record InputDef(String name, List<Integer> shape, String type,
                       @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Integer> vocabulary,
                       Double signal) {
}
