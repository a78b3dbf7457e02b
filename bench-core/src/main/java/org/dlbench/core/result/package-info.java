/**
 * What a run produced: the versioned {@code results.json} model, its reader and atomic writer, and the Markdown
 * rendering of the same data.
 */
package org.dlbench.core.result;
