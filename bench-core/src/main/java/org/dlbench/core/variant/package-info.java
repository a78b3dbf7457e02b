/**
 * Engine variants: the named ways to run one engine (a native build, a set of switches, or both), the
 * {@code --variants} selection ({@code best}, {@code shipped}, {@code all}, names) resolved against what the host can
 * run, and what a result records about its variant. Engine-neutral: engine modules declare their
 * {@link org.dlbench.core.variant.Variant}s, the runner resolves a {@link org.dlbench.core.variant.VariantSelection}
 * against the host's {@link org.dlbench.core.host.CpuFlags} and the built classpath files. See
 * {@code docs/variants-design.md}.
 */
package org.dlbench.core.variant;
