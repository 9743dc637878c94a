package dev.vigil.core.pipeline;

import com.lmax.disruptor.EventHandler;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.rules.RuleEvaluator;
import org.agrona.concurrent.NanoClock;

/**
 * Rules stage: decodes each accepted event in place with reusable flyweights, runs the rules and writes the
 * decision into the slot. Allocation-free; the only state it touches belongs to the rules it runs.
 */
public final class RulesHandler implements EventHandler<RingEvent>
{
    private final RuleEvaluator evaluator;
    private final EngineCounters counters;
    private final NanoClock clock;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TransactionDecoder transaction = new TransactionDecoder();
    private final OrderDecoder order = new OrderDecoder();

    /**
     * @param evaluator runs the rule set in force.
     * @param counters  where decisions, alerts and full state are counted.
     * @param clock     stamps when evaluation finished, for latency breakdowns only.
     */
    public RulesHandler(final RuleEvaluator evaluator, final EngineCounters counters, final NanoClock clock)
    {
        this.evaluator = evaluator;
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

        switch (event.templateId())
        {
            case TransactionDecoder.TEMPLATE_ID:
                transaction.wrapAndApplyHeader(event.frame(), 0, header);
                evaluator.evaluate(transaction, event.alerts());
                break;

            case OrderDecoder.TEMPLATE_ID:
                order.wrapAndApplyHeader(event.frame(), 0, header);
                evaluator.evaluate(order, event.alerts());
                break;

            default:
                return;
        }

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
