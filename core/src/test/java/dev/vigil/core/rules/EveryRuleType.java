package dev.vigil.core.rules;

import dev.vigil.core.rules.attribute.AttributeKind;
import dev.vigil.core.rules.attribute.AttributeSpec;
import dev.vigil.core.rules.attribute.TransactionAttributeRule;
import dev.vigil.core.rules.expr.Condition;
import dev.vigil.core.rules.expr.ExprScope;
import dev.vigil.core.rules.expr.ExprType;
import dev.vigil.core.rules.expr.ValueExpression;
import dev.vigil.core.rules.threshold.Aggregate;
import dev.vigil.core.rules.threshold.Comparison;
import dev.vigil.core.rules.threshold.OrderThresholdRule;
import dev.vigil.core.rules.threshold.ThresholdSpec;
import dev.vigil.core.rules.threshold.TransactionThresholdRule;
import dev.vigil.core.window.WindowInput;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One rule of each of the ten built-in types, then a threshold rule of each aggregate (some behind a where:, one
 * over orders), then two per-key attributes and a threshold rule whose where: reads them, with limits low enough
 * that short random streams make each of them fire.
 */
public final class EveryRuleType
{
    private static final long SECOND = 1_000_000_000L;

    private EveryRuleType()
    {
    }

    /**
     * @param maxKeys most keys of each keyed rule.
     * @return the rules, ids 0 to 9 in type order, then threshold rules 10 to 16, attributes 17 and 18, and a
     * threshold rule reading them, 19.
     */
    public static RuleSet ruleSet(final int maxKeys)
    {
        final List<Rule> rules = new ArrayList<>(List.of(
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
        final List<RuleFilter> filters = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++)
        {
            filters.add(null);
        }
        threshold(rules, filters, 10, TransactionKey.CARD, Aggregate.COUNT, null, Comparison.ABOVE, 2, 10, 1,
            "country != DE", maxKeys);
        threshold(rules, filters, 11, TransactionKey.MERCHANT, Aggregate.SUM, "amount", Comparison.AT_LEAST, 100_000,
            20, 2, "amount >= 150", maxKeys);
        threshold(rules, filters, 12, TransactionKey.ACCOUNT, Aggregate.MIN, "amount", Comparison.BELOW, 100, 10, 1,
            null, maxKeys);
        threshold(rules, filters, 13, TransactionKey.CARD, Aggregate.MAX, "amount", Comparison.AT_LEAST, 60_000, 4, 1,
            "fired(amount) or verdict == approve", maxKeys);
        threshold(rules, filters, 14, TransactionKey.ACCOUNT, Aggregate.MEAN, "amount", Comparison.ABOVE, 50_000, 30,
            5, null, maxKeys);
        threshold(rules, filters, 15, TransactionKey.ACCOUNT, Aggregate.DISTINCT_COUNT, "merchant", Comparison.AT_MOST,
            2, 30, 5, "merchant in [1, 2, 3, 4, 5, 6]", maxKeys);
        final ThresholdSpec sells = new ThresholdSpec(WindowInput.ORDERS, Aggregate.SUM,
            ValueExpression.compile("price * quantity", ExprScope.fieldsOf(WindowInput.ORDERS)), Comparison.ABOVE,
            20_000, 4 * SECOND, SECOND);
        rules.add(new OrderThresholdRule(16, "t-notional", RuleAction.DECLINE, OrderKey.INSTRUMENT, sells, maxKeys));
        filters.add(new RuleFilter(null, Condition.compile("side == BUY", ExprScope.fieldsOf(WindowInput.ORDERS))));
        attributes(rules, filters, maxKeys);
        return new RuleSet(rules, null, List.of(), filters);
    }

    private static void attributes(final List<Rule> rules, final List<RuleFilter> filters, final int maxKeys)
    {
        final ExprScope fields = ExprScope.fieldsOf(WindowInput.TRANSACTIONS);
        rules.add(new TransactionAttributeRule(17, "last_country", TransactionKey.CARD, new AttributeSpec(
            WindowInput.TRANSACTIONS, AttributeKind.LAST, ValueExpression.compile("country", fields), null, 0, 0),
            maxKeys));
        rules.add(new TransactionAttributeRule(18, "usual", TransactionKey.ACCOUNT, new AttributeSpec(
            WindowInput.TRANSACTIONS, AttributeKind.MEAN, ValueExpression.compile("amount", fields),
            Condition.compile("amount < 100000", fields), 30 * SECOND, 5 * SECOND), maxKeys));
        filters.add(null);
        filters.add(null);
        final ThresholdSpec spec = new ThresholdSpec(WindowInput.TRANSACTIONS, Aggregate.COUNT, null,
            Comparison.ABOVE, 1, 20 * SECOND, 2 * SECOND);
        rules.add(new TransactionThresholdRule(19, "t-unusual", RuleAction.REVIEW, TransactionKey.ACCOUNT, spec,
            maxKeys));
        filters.add(new RuleFilter(Condition.compile("country != last_country or amount > 2 * usual",
            ExprScope.ruleCondition(WindowInput.TRANSACTIONS, 19, List.of()).withAttributes(List.of(
                new ExprScope.AttributeRef("last_country", 17, WindowInput.TRANSACTIONS, ExprType.COUNTRY, "last"),
                new ExprScope.AttributeRef("usual", 18, WindowInput.TRANSACTIONS, ExprType.AMOUNT, "usual")))),
            null));
    }

    private static void threshold(
        final List<Rule> rules, final List<RuleFilter> filters, final int id, final TransactionKey key,
        final Aggregate aggregate, final String value, final Comparison comparison, final long limit,
        final long windowSeconds, final long slideSeconds, final String where, final int maxKeys)
    {
        final ExprScope fields = ExprScope.fieldsOf(WindowInput.TRANSACTIONS);
        final ThresholdSpec spec = new ThresholdSpec(WindowInput.TRANSACTIONS, aggregate,
            value == null ? null : ValueExpression.compile(value, fields), comparison, limit, windowSeconds * SECOND,
            slideSeconds * SECOND);
        rules.add(new TransactionThresholdRule(id, "t-" + aggregate.displayName(), RuleAction.REVIEW, key, spec,
            maxKeys));
        final List<ExprScope.RuleRef> earlier = List.of(
            new ExprScope.RuleRef(0, "amount", Set.of(WindowInput.TRANSACTIONS)));
        filters.add(where == null ? null :
            new RuleFilter(Condition.compile(where, ExprScope.ruleCondition(WindowInput.TRANSACTIONS, id, earlier)),
                null));
    }
}
