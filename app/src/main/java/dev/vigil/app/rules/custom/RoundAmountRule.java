package dev.vigil.app.rules.custom;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.rules.CustomRuleContext;
import dev.vigil.core.rules.NamedRule;
import dev.vigil.core.rules.RuleHit;
import dev.vigil.core.rules.RuleResult;
import dev.vigil.core.rules.TransactionRule;

/**
 * An example custom rule: fires on a large transaction of a suspiciously round amount, such as exactly 5,000.00,
 * which card fraud and money laundering produce more often than genuine spending does. Stateless.
 * <pre>
 *   - id: 20
 *     name: round-amount
 *     type: custom
 *     class: dev.vigil.app.rules.custom.RoundAmountRule
 *     parameters: {unit: 100000, min-amount: 500000}
 *     action: alert_only
 * </pre>
 * Parameters: {@code unit}, the amount (minor units) that round amounts are multiples of; {@code min-amount}, the
 * smallest amount judged.
 */
public final class RoundAmountRule extends NamedRule implements TransactionRule
{
    private final long unitMinor;
    private final long minAmountMinor;

    /**
     * @param context the rule's entry in the rules file.
     * @throws IllegalArgumentException when a parameter is missing, not an integer or not positive.
     */
    public RoundAmountRule(final CustomRuleContext context)
    {
        super(context.id(), context.name(), context.action());
        this.unitMinor = context.longParameter("unit");
        this.minAmountMinor = context.longParameter("min-amount");
        if (unitMinor <= 0 || minAmountMinor <= 0)
        {
            throw new IllegalArgumentException("unit=" + unitMinor + " and min-amount=" + minAmountMinor +
                " must be positive");
        }
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        final long amount = txn.amountMinor();
        if (amount < minAmountMinor || amount % unitMinor != 0)
        {
            return RuleResult.PASSED;
        }
        final long eventTimeNs = txn.eventTimeNs();
        return hit.set(txn.accountId(), amount, unitMinor, eventTimeNs, eventTimeNs + 1);
    }
}
