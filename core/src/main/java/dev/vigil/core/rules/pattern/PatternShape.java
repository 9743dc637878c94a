package dev.vigil.core.rules.pattern;

import java.util.ArrayList;
import java.util.List;

/**
 * A sequence pattern compiled into slots: one slot per event a match takes, in order. A step repeated
 * {@code times: n} becomes n slots; a step taken one to {@code cap} times becomes one slot that must be matched and
 * {@code cap - 1} that may be skipped. Each slot names the condition (a bit of an event's condition mask) its event
 * satisfies, which slots may come right before it in a match, whether its event must be the key's very next event
 * after that slot's (strict contiguity) and which conditions no event between the two may satisfy.
 * <p>
 * Built once when rules load ({@link Builder}); {@link PatternMatcher} reads it per event without allocating.
 */
public final class PatternShape
{
    /**
     * Most conditions one pattern may use: a condition mask is one byte per stored event, its top bit marking an
     * event kept only for an absence.
     */
    public static final int MAX_CONDITIONS = 7;

    /** Most slots a pattern may compile to, repetitions included. */
    public static final int MAX_SLOTS = 32;

    private final int[] slotCondition;
    private final int[] firstPredecessor;
    private final boolean[] strict;
    private final int[] forbiddenBetween;
    private final int firstAccepting;
    private final long withinNs;
    private final long allowedLatenessNs;
    private final int absentBeforeMask;
    private final long absentBeforeNs;
    private final int absentAfterMask;
    private final long absentAfterNs;
    private final boolean storesEveryEvent;
    private final int usedConditions;

    private PatternShape(final Builder builder)
    {
        final int slots = builder.conditions.size();
        this.slotCondition = new int[slots];
        this.firstPredecessor = new int[slots];
        this.strict = new boolean[slots];
        this.forbiddenBetween = new int[slots];
        int used = 0;
        boolean anyStrict = false;
        for (int slot = 0; slot < slots; slot++)
        {
            slotCondition[slot] = builder.conditions.get(slot);
            firstPredecessor[slot] = builder.firstPredecessors.get(slot);
            strict[slot] = builder.stricts.get(slot);
            forbiddenBetween[slot] = builder.forbidden.get(slot);
            used |= (1 << slotCondition[slot]) | forbiddenBetween[slot];
            anyStrict |= strict[slot];
        }
        this.firstAccepting = builder.lastStepFirstOptional - 1;
        this.withinNs = builder.withinNs;
        this.allowedLatenessNs = builder.allowedLatenessNs;
        this.absentBeforeMask = builder.absentBeforeMask;
        this.absentBeforeNs = builder.absentBeforeNs;
        this.absentAfterMask = builder.absentAfterMask;
        this.absentAfterNs = builder.absentAfterNs;
        this.usedConditions = used | absentBeforeMask | absentAfterMask;
        // Events that satisfy no condition only matter where a slot needs the key's very next event.
        this.storesEveryEvent = anyStrict;
    }

    /**
     * @return slots a match takes at most.
     */
    public int slotCount()
    {
        return slotCondition.length;
    }

    /**
     * @param slot a slot.
     * @return the bit of the condition mask the slot's event must have.
     */
    public int slotCondition(final int slot)
    {
        return slotCondition[slot];
    }

    /**
     * @param slot a slot after the first.
     * @return the first slot that may precede it; every slot from there to {@code slot - 1} may.
     */
    public int firstPredecessor(final int slot)
    {
        return firstPredecessor[slot];
    }

    /**
     * @param slot a slot after the first.
     * @return whether its event must be the key's next event after its predecessor's.
     */
    public boolean isStrict(final int slot)
    {
        return strict[slot];
    }

    /**
     * @param slot a slot after the first.
     * @return condition bits no event between its predecessor's event and its own may have.
     */
    public int forbiddenBetween(final int slot)
    {
        return forbiddenBetween[slot];
    }

    /**
     * @return the first slot a match may end at; every later slot may too.
     */
    public int firstAccepting()
    {
        return firstAccepting;
    }

    /**
     * @return a match's last event is less than this after its first.
     */
    public long withinNs()
    {
        return withinNs;
    }

    /**
     * @return how far behind the key's newest event time an event may be and still take part in matches.
     */
    public long allowedLatenessNs()
    {
        return allowedLatenessNs;
    }

    /**
     * @return condition bits no event in the {@link #absentBeforeNs()} before a match's first event may have; 0 for
     * none.
     */
    public int absentBeforeMask()
    {
        return absentBeforeMask;
    }

    /**
     * @return how long before a match's first event {@link #absentBeforeMask()} must not occur.
     */
    public long absentBeforeNs()
    {
        return absentBeforeNs;
    }

    /**
     * @return condition bits no event in the {@link #absentAfterNs()} after a match's last event may have; 0 for
     * none. A pattern with one is judged when the watermark passes that time, not when its last event comes.
     */
    public int absentAfterMask()
    {
        return absentAfterMask;
    }

    /**
     * @return how long after a match's last event {@link #absentAfterMask()} must not occur.
     */
    public long absentAfterNs()
    {
        return absentAfterNs;
    }

    /**
     * @return whether events that satisfy no condition are stored too (a slot needs the key's very next event).
     */
    public boolean storesEveryEvent()
    {
        return storesEveryEvent;
    }

    /**
     * @return every condition bit the pattern reads.
     */
    public int usedConditions()
    {
        return usedConditions;
    }

    /**
     * Builds a shape step by step.
     */
    public static final class Builder
    {
        private final List<Integer> conditions = new ArrayList<>();
        private final List<Integer> firstPredecessors = new ArrayList<>();
        private final List<Boolean> stricts = new ArrayList<>();
        private final List<Integer> forbidden = new ArrayList<>();
        private int previousStepFirstOptional = -1;
        private int lastStepFirstOptional = -1;
        private long withinNs = -1;
        private long allowedLatenessNs = -1;
        private int absentBeforeMask;
        private long absentBeforeNs;
        private int absentAfterMask;
        private long absentAfterNs;

        /**
         * Add the next step.
         *
         * @param condition        the condition bit its events satisfy.
         * @param minTimes         events it takes at least, from 1.
         * @param maxTimes         events it takes at most, from minTimes.
         * @param next             whether its first event must be the key's next event after the previous step's last,
         *                         and each repetition the next after the one before.
         * @param forbiddenBetween condition bits no event between the previous step's last event and this step's
         *                         first (and between its repetitions) may have.
         * @return this builder.
         */
        public Builder step(
            final int condition, final int minTimes, final int maxTimes, final boolean next, final int forbiddenBetween)
        {
            if (condition < 0 || condition >= MAX_CONDITIONS)
            {
                throw new IllegalArgumentException("condition " + condition + " not in [0, " + MAX_CONDITIONS + ")");
            }
            if (minTimes < 1 || maxTimes < minTimes)
            {
                throw new IllegalArgumentException("times " + minTimes + ".." + maxTimes + " not allowed");
            }
            if (conditions.size() + maxTimes > MAX_SLOTS)
            {
                throw new IllegalArgumentException("a pattern takes at most " + MAX_SLOTS + " events");
            }
            for (int i = 0; i < maxTimes; i++)
            {
                final int slot = conditions.size();
                conditions.add(condition);
                stricts.add(slot > 0 && next);
                forbidden.add(slot > 0 ? forbiddenBetween : 0);
                if (i == 0)
                {
                    // After the previous step's last required slot, or any of its optional ones.
                    firstPredecessors.add(previousStepFirstOptional < 0 ? -1 : previousStepFirstOptional - 1);
                }
                else
                {
                    firstPredecessors.add(slot - 1);
                }
            }
            final int firstOptional = conditions.size() - (maxTimes - minTimes);
            previousStepFirstOptional = firstOptional;
            lastStepFirstOptional = firstOptional;
            return this;
        }

        /**
         * @param withinNs a match's last event is less than this after its first.
         * @return this builder.
         */
        public Builder within(final long withinNs)
        {
            this.withinNs = withinNs;
            return this;
        }

        /**
         * @param allowedLatenessNs how far behind its key's newest event an event may be and still be matched.
         * @return this builder.
         */
        public Builder allowedLateness(final long allowedLatenessNs)
        {
            this.allowedLatenessNs = allowedLatenessNs;
            return this;
        }

        /**
         * @param mask condition bits that must not occur in the {@code forNs} before a match's first event.
         * @param forNs how long.
         * @return this builder.
         */
        public Builder absentBefore(final int mask, final long forNs)
        {
            this.absentBeforeMask = mask;
            this.absentBeforeNs = forNs;
            return this;
        }

        /**
         * @param mask  condition bits that must not occur in the {@code forNs} after a match's last event.
         * @param forNs how long.
         * @return this builder.
         */
        public Builder absentAfter(final int mask, final long forNs)
        {
            this.absentAfterMask = mask;
            this.absentAfterNs = forNs;
            return this;
        }

        /**
         * @return the shape.
         */
        public PatternShape build()
        {
            if (conditions.isEmpty())
            {
                throw new IllegalArgumentException("a pattern needs at least one step");
            }
            if (withinNs <= 0)
            {
                throw new IllegalArgumentException("within must be positive");
            }
            if (allowedLatenessNs < 0)
            {
                allowedLatenessNs = withinNs;
            }
            if ((absentBeforeMask != 0 && absentBeforeNs <= 0) || (absentAfterMask != 0 && absentAfterNs <= 0))
            {
                throw new IllegalArgumentException("an absence needs a positive duration");
            }
            return new PatternShape(this);
        }
    }
}
