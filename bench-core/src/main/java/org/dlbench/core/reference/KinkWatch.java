package org.dlbench.core.reference;

import java.util.ArrayList;
import java.util.List;

/**
 * Watches one reference training pass for units whose activation input lies near a kink
 * ({@link org.dlbench.core.workload.layer.Activation#kinkDistance} below {@link #NEAR}), and may take one unit's
 * derivative on the other side of its kink (1 where the convention gives 0 and 0 where it gives 1).
 */
final class KinkWatch {
    /**
     * How near a kink an activation input must lie to count as decided by float32 rounding: 3e-5 (relative to the kink,
     * absolute at 0). Float32 engines were seen to put an input of 3.5e-6 on the other side of ReLU6's kink at 0
     * (MXNet, mobilenet, a batchnorm deep in the network, where the batch mean is subtracted); this is about ten
     * times that.
     */
    static final double NEAR = 3e-5;

    /** A unit near a kink: the stage, the flat element of its output, and the relative distance to the kink. */
    record Unit(int stage, int element, double distance) {
    }

    private final List<Unit> near = new ArrayList<>();
    private final int flipStage;
    private final int flipElement;

    private KinkWatch(int flipStage, int flipElement) {
        this.flipStage = flipStage;
        this.flipElement = flipElement;
    }

    /** Records the units near a kink and changes nothing. */
    static KinkWatch observe() {
        return new KinkWatch(-1, -1);
    }

    /** Takes the given unit's derivative on the other side of its kink. */
    static KinkWatch flip(Unit unit) {
        return new KinkWatch(unit.stage(), unit.element());
    }

    void input(int stage, int element, double distance) {
        if (distance < NEAR) {
            near.add(new Unit(stage, element, distance));
        }
    }

    boolean flips(int stage, int element) {
        return stage == flipStage && element == flipElement;
    }

    /** The units seen near a kink, in the order the forward pass met them. */
    List<Unit> near() {
        return near;
    }
}
