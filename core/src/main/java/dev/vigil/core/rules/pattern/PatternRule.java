package dev.vigil.core.rules.pattern;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.ring.RuleAlerts;
import dev.vigil.core.rules.KeyedStateRule;
import dev.vigil.core.rules.OrderRule;
import dev.vigil.core.rules.RuleAction;
import dev.vigil.core.rules.RuleHit;
import dev.vigil.core.rules.RuleResult;
import dev.vigil.core.rules.StateKey;
import dev.vigil.core.rules.TransactionRule;
import dev.vigil.core.rules.WatermarkRule;
import dev.vigil.core.rules.expr.Condition;
import dev.vigil.core.rules.expr.EventFields;
import dev.vigil.core.rules.expr.ValueExpression;
import dev.vigil.core.state.RecordStore;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A sequence pattern written in a rules file ({@code type: pattern}): per key, steps whose events meet conditions,
 * in event time, within a duration. Each event is tested against the pattern's conditions (compiled once, a bit
 * each), and an event that meets any goes to the key's {@link PatternMatcher}; the rule fires on the event that
 * completes a match, whatever the order events arrive in, and its alert lists the matched events.
 * <p>
 * Alerts report {@code observed} = the events matched, {@code threshold} = the fewest a match takes, and the window
 * from the first matched event to the last + 1. A pattern reads one kind of message: {@link Transactions} or
 * {@link Orders}.
 * <p>
 * A pattern whose last step is an absence ({@code absent-after}) cannot be judged when its last event comes: the key
 * then waits in {@link PatternDeadlines} until the watermark passes the absence's end, and the rule fires from
 * {@link #onWatermark}, with the alerts of the input that moved the watermark, changing no decision. What waits is
 * written with the rule's state at a snapshot point.
 */
public abstract class PatternRule extends KeyedStateRule implements WatermarkRule
{
    /** Waiting keys one input judges at most: the rest after the next inputs, so no input stalls the stage. */
    public static final int KEYS_JUDGED_PER_INPUT = 64;

    private final Condition[] conditions;
    private final ValueExpression value;
    private final PatternMatcher matcher;
    private final int fewestEvents;
    private final boolean storesEveryEvent;
    private final boolean judgesByWatermark;
    private final PatternDeadlines deadlines;
    private final int slots;
    private final long absentAfterNs;
    private long watermarkNs = Long.MIN_VALUE;
    private long previousWatermarkNs = Long.MIN_VALUE;
    private final EventFields fields = new EventFields();

    /**
     * @param id           rule id.
     * @param name         rule name.
     * @param action       what the completing event gets.
     * @param stateKey     the key matches are per, of the messages the conditions read.
     * @param conditions   the pattern's conditions, condition bit i being {@code conditions[i]}.
     * @param value        what each event reports with a match.
     * @param shape        the compiled pattern.
     * @param fewestEvents the fewest events a match takes.
     * @param maxEvents    events a key keeps for matching.
     * @param maxKeys      most keys tracked.
     */
    PatternRule(
        final int id,
        final String name,
        final RuleAction action,
        final StateKey stateKey,
        final Condition[] conditions,
        final ValueExpression value,
        final PatternShape shape,
        final int fewestEvents,
        final int maxEvents,
        final int maxKeys)
    {
        super(id, name, action, stateKey, PatternMatcher.stateBytes(maxEvents), maxKeys);
        if (conditions.length > PatternShape.MAX_CONDITIONS)
        {
            throw new IllegalArgumentException("a pattern reads at most " + PatternShape.MAX_CONDITIONS +
                " conditions");
        }
        this.conditions = conditions.clone();
        this.value = value;
        this.matcher = new PatternMatcher(shape, maxEvents);
        this.fewestEvents = fewestEvents;
        this.storesEveryEvent = shape.storesEveryEvent();
        this.judgesByWatermark = shape.absentAfterMask() != 0;
        this.deadlines = judgesByWatermark ? new PatternDeadlines(maxKeys) : null;
        this.slots = shape.slotCount();
        this.absentAfterNs = shape.absentAfterNs();
    }

    /**
     * A pattern over transactions.
     */
    public static final class Transactions extends PatternRule implements TransactionRule
    {
        /**
         * As {@link PatternRule#PatternRule}, keyed by a key of transactions.
         */
        public Transactions(
            final int id, final String name, final RuleAction action, final StateKey stateKey,
            final Condition[] conditions, final ValueExpression value, final PatternShape shape,
            final int fewestEvents, final int maxEvents, final int maxKeys)
        {
            super(id, name, action, stateKey, conditions, value, shape, fewestEvents, maxEvents, maxKeys);
        }

        @Override
        public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
        {
            return transaction(txn, hit);
        }
    }

    /**
     * A pattern over orders.
     */
    public static final class Orders extends PatternRule implements OrderRule
    {
        /**
         * As {@link PatternRule#PatternRule}, keyed by a key of orders.
         */
        public Orders(
            final int id, final String name, final RuleAction action, final StateKey stateKey,
            final Condition[] conditions, final ValueExpression value, final PatternShape shape,
            final int fewestEvents, final int maxEvents, final int maxKeys)
        {
            super(id, name, action, stateKey, conditions, value, shape, fewestEvents, maxEvents, maxKeys);
        }

        @Override
        public int onOrder(final OrderDecoder order, final RuleHit hit)
        {
            return order(order, hit);
        }
    }

    final int transaction(final TransactionDecoder txn, final RuleHit hit)
    {
        final int mask = mask(fields.transaction(txn).attributes(hit.attributeValues()));
        if (mask == 0 && !storesEveryEvent)
        {
            return RuleResult.PASSED;
        }
        final long key = keyOf(txn);
        final long state = stateOf(key);
        if (state == RecordStore.FULL)
        {
            return RuleResult.STATE_FULL;
        }
        return judge(matcher.add(state, txn.eventTimeNs(), mask, hit.engineSeq(), value.value(fields), endsAfterNs()),
            key, hit);
    }

    final int order(final OrderDecoder order, final RuleHit hit)
    {
        final int mask = mask(fields.order(order).attributes(hit.attributeValues()));
        if (mask == 0 && !storesEveryEvent)
        {
            return RuleResult.PASSED;
        }
        final long key = keyOf(order);
        final long state = stateOf(key);
        if (state == RecordStore.FULL)
        {
            return RuleResult.STATE_FULL;
        }
        return judge(matcher.add(state, order.eventTimeNs(), mask, hit.engineSeq(), value.value(fields),
            endsAfterNs()), key, hit);
    }

    /**
     * @return the end a match judged on the watermark must come after: ends whose absence the watermark already
     * passed were judged, and a match completed now is late for them.
     */
    private long endsAfterNs()
    {
        return judgesByWatermark && watermarkNs != Long.MIN_VALUE ? watermarkNs - absentAfterNs : Long.MIN_VALUE;
    }

    private int mask(final EventFields event)
    {
        int mask = 0;
        for (int i = 0; i < conditions.length; i++)
        {
            if (conditions[i].test(event))
            {
                mask |= 1 << i;
            }
        }
        return mask;
    }

    private int judge(final int found, final long key, final RuleHit hit)
    {
        if (found != PatternMatcher.MATCH)
        {
            return RuleResult.PASSED;
        }
        final PatternMatch match = matcher.match();
        if (judgesByWatermark)
        {
            // A candidate: judged once the watermark passes the end of its absence.
            return deadlines.schedule(key, match.lastTimeNs() + absentAfterNs) ?
                RuleResult.PASSED : RuleResult.STATE_FULL;
        }
        return hit.setMatched(key, match.size(), fewestEvents, match);
    }

    @Override
    public final boolean judgesByWatermark()
    {
        return judgesByWatermark;
    }

    @Override
    public final void startAt(final long watermarkNs)
    {
        this.watermarkNs = watermarkNs;
        this.previousWatermarkNs = watermarkNs;
    }

    @Override
    public final void onWatermark(final long watermarkNs, final RuleAlerts alerts)
    {
        if (watermarkNs > this.watermarkNs)
        {
            previousWatermarkNs = this.watermarkNs;
            this.watermarkNs = watermarkNs;
        }
        final int matchSize = slots;
        int keys = 0;
        while (deadlines.firstDueNs() <= this.watermarkNs && keys < KEYS_JUDGED_PER_INPUT &&
            alerts.hasRoomFor(matchSize))
        {
            keys++;
            final long key = deadlines.poll();
            final long state = stateOf(key);
            if (state == RecordStore.FULL)
            {
                continue;
            }
            boolean room = true;
            while (room && matcher.judgeAbsence(state, previousWatermarkNs, this.watermarkNs) == PatternMatcher.MATCH)
            {
                final PatternMatch match = matcher.match();
                alerts.add(id(), action().verdict(), key, match.size(), fewestEvents, match.firstTimeNs(),
                    match.lastTimeNs() + 1);
                for (int i = 0, n = match.size(); i < n; i++)
                {
                    alerts.addMatchedEvent(match.engineSeq(i), match.timeNs(i), match.value(i));
                }
                room = alerts.hasRoomFor(matchSize);
            }
            if (!room)
            {
                // The key may have more to judge at this watermark: after the next input.
                deadlines.schedule(key, this.watermarkNs);
            }
            else if (matcher.nextDueNs() != Long.MIN_VALUE)
            {
                deadlines.schedule(key, matcher.nextDueNs());
            }
        }
    }

    @Override
    protected final void writeRuleState(final DataOutput out) throws IOException
    {
        if (judgesByWatermark)
        {
            out.writeLong(previousWatermarkNs);
            out.writeLong(watermarkNs);
            deadlines.writeTo(out);
        }
    }

    @Override
    protected final void readRuleState(final DataInput in) throws IOException
    {
        if (judgesByWatermark)
        {
            previousWatermarkNs = in.readLong();
            watermarkNs = in.readLong();
            deadlines.readFrom(in);
        }
    }
}
