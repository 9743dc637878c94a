package dev.vigil.core.stage;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.YieldingWaitStrategy;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.stage.journal.JournalHandler;
import dev.vigil.core.stage.rules.RulesHandler;
import org.agrona.concurrent.Agent;

import java.util.function.IntSupplier;

/**
 * The processing graph over one ring of pre-allocated slots:
 * <pre>
 *   ingress ──► ring ──┬─► journal ─┐
 *                      └─► rules  ──┴─► egress   (egress gated on both)
 * </pre>
 * Journal and rules read the same slots independently; egress handles a slot only once the rules have passed it
 * and the journal has made it durable, so no decision leaves before its input is journaled. The producer is gated
 * on egress, so a slot is reused only after its reply is out. Stages are {@link Agent}s: the caller chooses how
 * many threads run them. A stage whose handler is an {@link InputHold} (rules with window output egress has no room
 * for yet, egress on a back-pressured alert stream) holds its next input in the ring rather than wait or drop.
 */
public final class EnginePipeline
{
    private final RingBuffer<RingEvent> ring;
    private final StageAgent journalAgent;
    private final StageAgent rulesAgent;
    private final StageAgent egressAgent;
    private final Sequence egressSequence;

    /**
     * @param ringSize       slots in the ring, a power of two.
     * @param maxFrameLength bytes each slot holds.
     * @param journal        journal stage handler.
     * @param rules          rules stage handler.
     * @param egress         egress stage handler.
     */
    public EnginePipeline(
        final int ringSize,
        final int maxFrameLength,
        final JournalHandler journal,
        final EventHandler<RingEvent> rules,
        final EventHandler<RingEvent> egress)
    {
        this(ringSize, maxFrameLength, journal, rules, egress, EnginePipeline::noDutyCycle);
    }

    /**
     * @param ringSize        slots in the ring, a power of two.
     * @param maxFrameLength  bytes each slot holds.
     * @param journal         journal stage handler.
     * @param rules           rules stage handler.
     * @param egress          egress stage handler.
     * @param egressDutyCycle background work of the egress stage, run on each of its duty cycles.
     */
    public EnginePipeline(
        final int ringSize,
        final int maxFrameLength,
        final JournalHandler journal,
        final EventHandler<RingEvent> rules,
        final EventHandler<RingEvent> egress,
        final IntSupplier egressDutyCycle)
    {
        this(ringSize, maxFrameLength, journal, rules, egress, EnginePipeline::noDutyCycle, egressDutyCycle);
    }

    /**
     * @param ringSize        slots in the ring, a power of two.
     * @param maxFrameLength  bytes each slot holds.
     * @param journal         journal stage handler.
     * @param rules           rules stage handler.
     * @param egress          egress stage handler.
     * @param rulesDutyCycle  background work of the rules stage (e.g. {@link RulesHandler#doDutyCycle}), run after
     *                        each batch and on each idle duty cycle.
     * @param egressDutyCycle background work of the egress stage, run on each of its duty cycles.
     */
    public EnginePipeline(
        final int ringSize,
        final int maxFrameLength,
        final JournalHandler journal,
        final EventHandler<RingEvent> rules,
        final EventHandler<RingEvent> egress,
        final IntSupplier rulesDutyCycle,
        final IntSupplier egressDutyCycle)
    {
        // Stages poll instead of waiting, so the producer's wait strategy is never used to block a consumer.
        ring = RingBuffer.createSingleProducer(
            RingEvent.slotsOfRing(maxFrameLength, ringSize), ringSize, new YieldingWaitStrategy());

        final EventPoller<RingEvent> journalPoller = ring.newPoller();
        final EventPoller<RingEvent> rulesPoller = ring.newPoller();
        final EventPoller<RingEvent> egressPoller =
            ring.newPoller(journal.durableSequence(), rulesPoller.getSequence());
        ring.addGatingSequences(egressPoller.getSequence());
        egressSequence = egressPoller.getSequence();

        journalAgent = StageAgent.journal(journalPoller, journal, journal::doDutyCycle);
        rulesAgent = StageAgent.rules(rulesPoller, rules, rulesDutyCycle);
        egressAgent = StageAgent.egress(egressPoller, egress, egressDutyCycle);
    }

    /**
     * @return the ring ingress publishes to.
     */
    public RingBuffer<RingEvent> ring()
    {
        return ring;
    }

    /**
     * @return true when egress has handled every slot published so far and no stage holds output of them back
     * (window results still firing or waiting on a back-pressured alert stream); safe to call from any thread.
     */
    public boolean isDrained()
    {
        // The sequence first: a stage sets its hold before its sequence passes the input that caused it.
        return egressSequence.get() >= ring.getCursor() && !rulesAgent.isHolding() && !egressAgent.isHolding();
    }

    public Agent journalAgent()
    {
        return journalAgent;
    }

    public Agent rulesAgent()
    {
        return rulesAgent;
    }

    public Agent egressAgent()
    {
        return egressAgent;
    }

    private static int noDutyCycle()
    {
        return 0;
    }
}
