package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.rules.pattern.PatternMatch;
import dev.vigil.core.rules.pattern.PatternMatcher;
import dev.vigil.core.rules.pattern.PatternShape;
import dev.vigil.core.state.RecordStore;

/**
 * Card testing, a sequence pattern: a small payment followed, on the same card and within a given time, by a large
 * one (fraudsters check a stolen card with a small amount before spending). Matched in event time whatever the
 * arrival order, by a {@link PatternMatcher} of two steps over the card's recent small and large payments (up to
 * {@link #KEPT_PAYMENTS}): a large payment fires with the latest small one before it, and a small payment that
 * arrives after a large one it precedes fires too. Payments that are neither small nor large touch no state.
 */
public final class CardTestingRule extends KeyedStateRule implements TransactionRule
{
    /** Small and large payments a card keeps: the newest in event time within twice {@code within}. */
    public static final int KEPT_PAYMENTS = 7;

    private static final int SMALL = 1;
    private static final int LARGE = 2;

    private final long maxSmallMinor;
    private final long minLargeMinor;
    private final PatternMatcher pairs;

    /**
     * @param id            rule id.
     * @param name          rule name.
     * @param action        what the large payment gets when the rule fires.
     * @param maxSmallMinor payments up to this amount are small.
     * @param minLargeMinor payments from this amount are large.
     * @param withinNs      a large payment this soon after a small one fires the rule.
     * @param maxKeys       most cards tracked.
     */
    public CardTestingRule(
        final int id,
        final String name,
        final RuleAction action,
        final long maxSmallMinor,
        final long minLargeMinor,
        final long withinNs,
        final int maxKeys)
    {
        super(id, name, action, StateKey.CARD, PatternMatcher.stateBytes(KEPT_PAYMENTS), maxKeys);
        if (minLargeMinor <= maxSmallMinor)
        {
            throw new IllegalArgumentException(
                "minLargeMinor=" + minLargeMinor + " must be above maxSmallMinor=" + maxSmallMinor);
        }
        this.maxSmallMinor = maxSmallMinor;
        this.minLargeMinor = minLargeMinor;
        this.pairs = new PatternMatcher(new PatternShape.Builder()
            .step(0, 1, 1, false, 0)
            .step(1, 1, 1, false, 0)
            .within(withinNs)
            .build(), KEPT_PAYMENTS);
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        final long amount = txn.amountMinor();
        final int kind = amount <= maxSmallMinor ? SMALL : amount >= minLargeMinor ? LARGE : 0;
        if (kind == 0)
        {
            return RuleResult.PASSED;
        }
        final long card = keyOf(txn);
        final long state = stateOf(card);
        if (state == RecordStore.FULL)
        {
            return RuleResult.STATE_FULL;
        }
        if (pairs.add(state, txn.eventTimeNs(), kind, hit.engineSeq(), amount) != PatternMatcher.MATCH)
        {
            return RuleResult.PASSED;
        }
        final PatternMatch match = pairs.match();
        return hit.setMatched(card, match.value(1), minLargeMinor, match);
    }
}
