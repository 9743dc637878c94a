package dev.vigil.core.rules.config;

import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.StateKey;
import dev.vigil.core.rules.expr.Condition;
import dev.vigil.core.rules.expr.ValueExpression;
import dev.vigil.core.rules.pattern.PatternMatcher;
import dev.vigil.core.rules.pattern.PatternRule;
import dev.vigil.core.rules.pattern.PatternShape;
import dev.vigil.core.time.Durations;
import dev.vigil.core.window.WindowInput;

import java.util.List;

/**
 * The {@code pattern:} of a {@code type: pattern} rule, validated and compiled: its steps, the conditions they and
 * the absence read (each distinct condition once, a bit of an event's mask), and the bounds of the key's buffer.
 *
 * @param input            the messages the pattern reads.
 * @param steps            the steps, in order.
 * @param conditions       the distinct conditions, condition bit i being {@code conditions.get(i)}.
 * @param withinNs         a match's last event is less than this after its first.
 * @param allowedLatenessNs how far behind the key's newest event an event is still matched.
 * @param absentCondition  bit of the condition that must not occur before the first step, -1 for none.
 * @param absentForNs      for how long before it.
 * @param absentAfter      bit of the condition that must not occur after the last step, -1 for none: such a
 *                         pattern is judged when the watermark passes the end of the absence.
 * @param absentAfterNs    for how long after it.
 * @param maxEvents        events a key keeps.
 * @param value            what each matched event reports.
 */
public record PatternDefinition(
    WindowInput input,
    List<Step> steps,
    List<Condition> conditions,
    long withinNs,
    long allowedLatenessNs,
    int absentCondition,
    long absentForNs,
    int absentAfter,
    long absentAfterNs,
    int maxEvents,
    ValueExpression value)
{
    /** Events a key keeps when {@code max-events} is not given. */
    public static final int DEFAULT_MAX_EVENTS = 16;

    /**
     * One step of a pattern.
     *
     * @param condition  bit of the condition its events meet.
     * @param minTimes   events it takes at least.
     * @param maxTimes   events it takes at most.
     * @param next       whether each of its events must be the key's very next one.
     * @param notBetween bit of the condition no event before each of its events (back to the one before) may meet,
     *                   -1 for none.
     */
    public record Step(int condition, int minTimes, int maxTimes, boolean next, int notBetween)
    {
    }

    /**
     * @return the compiled shape the matcher runs.
     */
    public PatternShape shape()
    {
        final PatternShape.Builder builder = new PatternShape.Builder().within(withinNs).allowedLateness(
            allowedLatenessNs);
        for (final Step step : steps)
        {
            builder.step(step.condition(), step.minTimes(), step.maxTimes(), step.next(),
                step.notBetween() < 0 ? 0 : 1 << step.notBetween());
        }
        if (absentCondition >= 0)
        {
            builder.absentBefore(1 << absentCondition, absentForNs);
        }
        if (absentAfter >= 0)
        {
            builder.absentAfter(1 << absentAfter, absentAfterNs);
        }
        return builder.build();
    }

    /**
     * @return the fewest events a match takes.
     */
    public int fewestEvents()
    {
        int fewest = 0;
        for (final Step step : steps)
        {
            fewest += step.minTimes();
        }
        return fewest;
    }

    /**
     * @return bytes of state per key.
     */
    public int stateBytes()
    {
        return PatternMatcher.stateBytes(maxEvents);
    }

    /**
     * @param d       the rule.
     * @param key     its state key.
     * @param maxKeys most keys it tracks.
     * @return the rule, with empty state.
     */
    Rule create(final RuleDefinition d, final StateKey key, final int maxKeys)
    {
        final Condition[] compiled = conditions.toArray(new Condition[0]);
        return input == WindowInput.TRANSACTIONS ?
            new PatternRule.Transactions(d.id(), d.name(), d.action(), key, compiled, value, shape(), fewestEvents(),
                maxEvents, maxKeys) :
            new PatternRule.Orders(d.id(), d.name(), d.action(), key, compiled, value, shape(), fewestEvents(),
                maxEvents, maxKeys);
    }

    /**
     * @param canonical true for the form rules updates compare (conditions canonical), false for people.
     * @return the pattern on one line.
     */
    String describe(final boolean canonical)
    {
        final StringBuilder text = new StringBuilder();
        if (input == WindowInput.ORDERS)
        {
            text.append(" input orders");
        }
        text.append(" steps [");
        for (int i = 0; i < steps.size(); i++)
        {
            final Step step = steps.get(i);
            text.append(i == 0 ? "" : ", ").append(condition(step.condition(), canonical));
            if (step.minTimes() != 1 || step.maxTimes() != 1)
            {
                text.append(" times ").append(step.minTimes());
                if (step.maxTimes() != step.minTimes())
                {
                    text.append("..").append(step.maxTimes());
                }
            }
            if (step.next())
            {
                text.append(" next");
            }
            if (step.notBetween() >= 0)
            {
                text.append(" not-between ").append(condition(step.notBetween(), canonical));
            }
        }
        text.append("] within ").append(Durations.format(withinNs))
            .append(" allowed-lateness ").append(Durations.format(allowedLatenessNs));
        if (absentCondition >= 0)
        {
            text.append(" absent-before ").append(condition(absentCondition, canonical))
                .append(" for ").append(Durations.format(absentForNs));
        }
        if (absentAfter >= 0)
        {
            text.append(" absent-after ").append(condition(absentAfter, canonical))
                .append(" for ").append(Durations.format(absentAfterNs));
        }
        text.append(" max-events ").append(maxEvents)
            .append(" value ").append(canonical ? value.canonical() : value.text());
        return text.toString();
    }

    private String condition(final int bit, final boolean canonical)
    {
        final Condition condition = conditions.get(bit);
        return "(" + (canonical ? condition.canonical() : condition.text()) + ")";
    }
}
