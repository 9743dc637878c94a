package dev.vigil.core.stage.egress;

/**
 * Receives the engine's own round trip of every decision it sends, from the time ingress took the frame to the time
 * egress sends the decision, with the times the stages in between were done. Called on the egress thread for each
 * decision, so it must not allocate or block.
 */
@FunctionalInterface
public interface RoundTripRecorder
{
    /** Records nothing. */
    RoundTripRecorder NONE = (ingressTimeNs, rulesDoneTimeNs, journalDoneTimeNs, egressTimeNs) -> { };

    /**
     * @param ingressTimeNs     when ingress took the frame.
     * @param rulesDoneTimeNs   when the rules stage had decided, same clock.
     * @param journalDoneTimeNs when the journal stage had written the frame, same clock; 0 with no journal.
     * @param egressTimeNs      when egress sent the decision, same clock.
     */
    void record(long ingressTimeNs, long rulesDoneTimeNs, long journalDoneTimeNs, long egressTimeNs);
}
