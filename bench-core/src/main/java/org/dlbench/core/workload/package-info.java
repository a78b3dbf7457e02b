/**
 * Engine-neutral workload definitions: a workload is data (a JSON file), parsed and validated here,
 * from which every adapter builds its own model. Shapes, parameter counts and FLOPs are derived, never declared.
 */
package org.dlbench.core.workload;
