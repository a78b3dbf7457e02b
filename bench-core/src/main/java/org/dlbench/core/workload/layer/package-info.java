/**
 * The layer types of the workload format, one class per type. Each class owns everything bench-core knows about its
 * layer: the JSON name and fields, validation, output shape, named parameters (by role) with their seeded initial
 * values, FLOPs, and the reference forward and backward maths in double precision.
 *
 * <p>{@link org.dlbench.core.workload.layer.Layer} is sealed: every engine translates a layer through an exhaustive
 * {@code switch} over it with no {@code default}, so a new layer type that an engine forgets is a compile error.
 * README's "Add a layer" section lists the steps.
 *
 * <p>This package depends on nothing else in dlbench; the workload package places layers in a graph.
 */
package org.dlbench.core.workload.layer;
