package dev.vigil.perf;

import dev.vigil.codecs.DecisionDecoder;
import org.HdrHistogram.Histogram;

/**
 * Where a round trip's time goes, from the timestamps each Decision carries: one histogram per stage, in ns.
 * <pre>
 *   client send ──► ingress ──► rules done ──┐
 *                      └──────► journal done ─┴──► egress ──► client receive
 * </pre>
 * The journal and the rules handle a slot independently, so both are measured from ingress; egress waits for the
 * later of the two. Engine and client run in one process and read the same monotonic clock, so the differences are
 * meaningful across threads. With the journal off the engine stamps no journal time and that stage stays empty.
 */
final class StageBreakdown
{
    /** Stage names, in the order of {@link #histogram(int)}. */
    static final String[] STAGES =
        {"send->ingress", "ingress->rules", "ingress->journal", "rules+journal->egress", "egress->receive"};

    private static final int SEND_TO_INGRESS = 0;
    private static final int INGRESS_TO_RULES = 1;
    private static final int INGRESS_TO_JOURNAL = 2;
    private static final int STAGES_TO_EGRESS = 3;
    private static final int EGRESS_TO_RECEIVE = 4;

    private final Histogram[] histograms = new Histogram[STAGES.length];

    StageBreakdown()
    {
        for (int i = 0; i < histograms.length; i++)
        {
            histograms[i] = new Histogram(OpenLoopRun.HIGHEST_TRACKABLE_NS, 3);
        }
    }

    /**
     * @param decision  a Decision in the measured phase.
     * @param receiveNs when the client read it.
     */
    void record(final DecisionDecoder decision, final long receiveNs)
    {
        final long ingressNs = decision.ingressTimeNs();
        final long rulesNs = decision.rulesDoneTimeNs();
        final long journalNs = decision.journalDoneTimeNs();
        final long egressNs = decision.egressTimeNs();
        record(SEND_TO_INGRESS, ingressNs - decision.clientSendTimeNs());
        record(INGRESS_TO_RULES, rulesNs - ingressNs);
        if (journalNs != 0)
        {
            record(INGRESS_TO_JOURNAL, journalNs - ingressNs);
        }
        record(STAGES_TO_EGRESS, egressNs - Math.max(rulesNs, journalNs));
        record(EGRESS_TO_RECEIVE, receiveNs - egressNs);
    }

    /**
     * @param stage index into {@link #STAGES}.
     * @return that stage's latencies, ns.
     */
    Histogram histogram(final int stage)
    {
        return histograms[stage];
    }

    private void record(final int stage, final long valueNs)
    {
        histograms[stage].recordValue(Math.min(Math.max(0, valueNs), OpenLoopRun.HIGHEST_TRACKABLE_NS));
    }
}
