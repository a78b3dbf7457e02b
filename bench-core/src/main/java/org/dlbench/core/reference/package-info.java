/**
 * Plain-Java maths that every engine is checked against: a straightforward forward pass, the loss and accuracy,
 * the backward pass and plain SGD step ({@link org.dlbench.core.reference.ReferenceTraining}), and the comparison
 * with its stated tolerance. Written for clarity, not speed; never timed.
 */
package org.dlbench.core.reference;
