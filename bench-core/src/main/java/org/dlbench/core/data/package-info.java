/**
 * Seeded data every engine shares: initial weights and a learnable synthetic data set, identical on every run,
 * so engines start from the same parameters and see the same samples.
 */
package org.dlbench.core.data;
