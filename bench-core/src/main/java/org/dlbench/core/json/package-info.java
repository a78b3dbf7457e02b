/**
 * Turning a bad JSON input file into one line that names the field: a JSON path such as {@code results[3].status}
 * and what is wrong there, for Jackson's own errors ({@link org.dlbench.core.json.JsonErrors}) and for the
 * validation that follows binding ({@link org.dlbench.core.json.FieldError}).
 */
package org.dlbench.core.json;
