package dev.vigil.core.pipeline;

import com.lmax.disruptor.EventHandler;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.dedup.DecisionDedup;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.rules.RuleEvaluator;
import org.agrona.concurrent.NanoClock;

/**
 * Rules stage: decodes each accepted event in place with reusable flyweights, runs the rules and writes the
 * decision into the slot. A retried request (same client id and sequence) gets its original decision back without
 * running any rule, so it counts once in every window. Allocation-free once each client is known.
 */
public final class RulesHandler implements EventHandler<RingEvent>
{
    private final RuleEvaluator evaluator;
    private final DecisionDedup dedup;
    private final EngineCounters counters;
    private final NanoClock clock;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TransactionDecoder transaction = new TransactionDecoder();
    private final OrderDecoder order = new OrderDecoder();

    /**
     * @param evaluator runs the rule set in force.
     * @param dedup     remembers decisions so retries get the original one.
     * @param counters  where decisions, alerts and full state are counted.
     * @param clock     stamps when evaluation finished, for latency breakdowns only.
     */
    public RulesHandler(
        final RuleEvaluator evaluator, final DecisionDedup dedup, final EngineCounters counters, final NanoClock clock)
    {
        this.evaluator = evaluator;
        this.dedup = dedup;
        this.counters = counters;
        this.clock = clock;
    }

    @Override
    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        if (event.kind() != FrameKind.EVENT)
        {
            return;
        }

        final int templateId = event.templateId();
        if (templateId != TransactionDecoder.TEMPLATE_ID && templateId != OrderDecoder.TEMPLATE_ID)
        {
            return;
        }

        final int seen = dedup.check(event.clientId(), event.clientSeq());
        if (seen == DecisionDedup.DUPLICATE)
        {
            event.repeatDecision(
                dedup.foundVerdict(), dedup.foundFiredRules(), dedup.foundEngineSeq(), clock.nanoTime());
            counters.duplicates().incrementOrdered();
            return;
        }
        if (seen == DecisionDedup.STALE)
        {
            event.refuse(RejectReason.STALE_SEQUENCE);
            return;
        }

        if (templateId == TransactionDecoder.TEMPLATE_ID)
        {
            transaction.wrapAndApplyHeader(event.frame(), 0, header);
            evaluator.evaluate(transaction, event.alerts());
        }
        else
        {
            order.wrapAndApplyHeader(event.frame(), 0, header);
            evaluator.evaluate(order, event.alerts());
        }

        dedup.record(
            event.clientId(), event.clientSeq(), event.engineSeq(), evaluator.verdict(), evaluator.firedRules());
        event.decide(evaluator.verdict(), evaluator.firedRules(), clock.nanoTime());
        counters.eventsEvaluated().incrementOrdered();
        counters.decisions(evaluator.verdict()).incrementOrdered();
        final int alertCount = Long.bitCount(evaluator.firedRules());
        if (alertCount > 0)
        {
            counters.alertsRaised().getAndAddOrdered(alertCount);
        }
        if (evaluator.stateFullCount() > 0)
        {
            counters.stateFull().getAndAddOrdered(evaluator.stateFullCount());
        }
    }
}
