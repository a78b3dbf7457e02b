package org.dlbench.core.scorecard;

/** Input the scorecard cannot use (a bad weights file, runs that may not be merged): one line, said as is. */
public final class ScorecardException extends IllegalArgumentException {
    public ScorecardException(String message) {
        super(message);
    }
}
