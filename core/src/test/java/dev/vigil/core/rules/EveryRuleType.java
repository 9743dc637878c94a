package dev.vigil.core.rules;

import java.util.List;

/**
 * One rule of each of the ten types, with limits low enough that short random streams make each of them fire.
 */
public final class EveryRuleType
{
    private static final long SECOND = 1_000_000_000L;

    private EveryRuleType()
    {
    }

    /**
     * @param maxKeys most keys of each keyed rule.
     * @return the rules, ids 0 to 9 in type order.
     */
    public static RuleSet ruleSet(final int maxKeys)
    {
        return new RuleSet(List.of(
            new AmountThresholdRule(0, "amount", RuleAction.DECLINE, 100_000),
            new AccountVelocityRule(1, "velocity", RuleAction.REVIEW, TransactionKey.ACCOUNT, 3, 10 * SECOND,
                SECOND, maxKeys),
            new OrderRateRule(2, "order-rate", RuleAction.DECLINE, OrderKey.ACCOUNT, 2, 4 * SECOND, SECOND, maxKeys),
            new AccountAmountSumRule(3, "amount-sum", RuleAction.REVIEW, TransactionKey.CARD, 150_000, 20 * SECOND,
                2 * SECOND, maxKeys),
            new ImpossibleTravelRule(4, "travel", RuleAction.REVIEW, 30 * SECOND, maxKeys),
            new CardTestingRule(5, "card-testing", RuleAction.DECLINE, 200, 50_000, 20 * SECOND, maxKeys),
            new NotionalRule(6, "notional", RuleAction.DECLINE, 5_000, 10 * SECOND, SECOND, maxKeys),
            new AmountSpikeRule(7, "spike", RuleAction.REVIEW, 3.0, 0.3, 3, maxKeys),
            new PriceBandRule(8, "price-band", RuleAction.DECLINE, 1_000, maxKeys),
            new DistinctMerchantsRule(9, "merchants", RuleAction.REVIEW, TransactionKey.ACCOUNT, 3, 30 * SECOND,
                maxKeys)));
    }
}
