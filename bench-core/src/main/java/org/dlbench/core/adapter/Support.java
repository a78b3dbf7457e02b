package org.dlbench.core.adapter;

/** An adapter's answer to "can you run this?": yes, or no with the engine's own reason. */
public record Support(boolean supported, String reason) {
    private static final Support YES = new Support(true, null);

    public static Support yes() {
        return YES;
    }

    public static Support no(String reason) {
        return new Support(false, reason);
    }
}
