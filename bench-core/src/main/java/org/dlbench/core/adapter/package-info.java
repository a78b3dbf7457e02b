/**
 * The engine SPI. An adapter module registers {@link org.dlbench.core.adapter.EngineAdapter} implementations in
 * {@code META-INF/services}; the harness finds them by name with {@link org.dlbench.core.adapter.Adapters} and never
 * relies on a default engine.
 */
package org.dlbench.core.adapter;
