package dev.vigil.core.stage.egress;

/**
 * Receives the engine's own round trip of every decision it sends: from the time ingress took the frame to the time
 * egress sends the decision. Called on the egress thread for each decision, so it must not allocate or block.
 */
@FunctionalInterface
public interface RoundTripRecorder
{
    /** Records nothing. */
    RoundTripRecorder NONE = (ingressTimeNs, egressTimeNs) -> { };

    /**
     * @param ingressTimeNs when ingress took the frame.
     * @param egressTimeNs  when egress sent the decision, same clock.
     */
    void record(long ingressTimeNs, long egressTimeNs);
}
