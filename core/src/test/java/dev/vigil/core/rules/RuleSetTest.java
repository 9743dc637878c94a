package dev.vigil.core.rules;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RuleSetTest
{
    @Test
    void rejectsDuplicateIdNamingBothRules()
    {
        final List<Rule> rules = List.of(
            new AmountThresholdRule(3, "first", RuleAction.REVIEW, 10),
            new AmountThresholdRule(4, "other", RuleAction.REVIEW, 10),
            new AmountThresholdRule(3, "second", RuleAction.DECLINE, 20));

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new RuleSet(rules));

        assertEquals("rule 'second': id 3 already used by 'first'", ex.getMessage());
    }

    @Test
    void rejectsNegativeId()
    {
        final List<Rule> rules = List.of(new AmountThresholdRule(-1, "negative", RuleAction.REVIEW, 10));

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new RuleSet(rules));

        assertEquals("rule 'negative': id -1 outside [0, 63]", ex.getMessage());
    }

    @Test
    void rejectsIdAboveMaximum()
    {
        final List<Rule> rules = List.of(new AmountThresholdRule(64, "too-big", RuleAction.REVIEW, 10));

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new RuleSet(rules));

        assertEquals("rule 'too-big': id 64 outside [0, 63]", ex.getMessage());
    }

    @Test
    void acceptsBothEndsOfTheIdRange()
    {
        final Rule low = new AmountThresholdRule(0, "low", RuleAction.REVIEW, 10);
        final Rule high = new AmountThresholdRule(63, "high", RuleAction.REVIEW, 10);

        final RuleSet ruleSet = new RuleSet(List.of(high, low));

        assertSame(low, ruleSet.ruleById(0));
        assertSame(high, ruleSet.ruleById(63));
        assertEquals(List.of(low, high), ruleSet.rules());
    }

    @Test
    void findsRulesByIdAndListsThemInIdOrder()
    {
        final Rule nine = new AmountThresholdRule(9, "nine", RuleAction.DECLINE, 10);
        final Rule two = new AmountThresholdRule(2, "two", RuleAction.REVIEW, 10);
        final Rule five = new OrderRateRule(5, "five", RuleAction.REVIEW, 10, 1_000, 100, 4);

        final RuleSet ruleSet = new RuleSet(List.of(nine, two, five));

        assertEquals(List.of(two, five, nine), ruleSet.rules());
        assertSame(five, ruleSet.ruleById(5));
        assertNull(ruleSet.ruleById(3));
        assertNull(ruleSet.ruleById(-1));
        assertNull(ruleSet.ruleById(64));
    }

    @Test
    void splitsRulesByMessageType()
    {
        final TransactionRule amount = new AmountThresholdRule(1, "amount", RuleAction.REVIEW, 10);
        final OrderRule orders = new OrderRateRule(2, "orders", RuleAction.REVIEW, 10, 1_000, 100, 4);
        final BothRule both = new BothRule(3);

        final RuleSet ruleSet = new RuleSet(List.of(amount, orders, both));

        assertEquals(List.of(amount, both), List.of(ruleSet.transactionRules()));
        assertEquals(List.of(orders, both), List.of(ruleSet.orderRules()));
    }

    @Test
    void runsRulesOfEachMessageTypeInIdOrder()
    {
        final BothRule seven = new BothRule(7);
        final BothRule one = new BothRule(1);
        final BothRule four = new BothRule(4);

        final RuleSet ruleSet = new RuleSet(List.of(seven, one, four));

        assertEquals(List.of(1, 4, 7), ids(ruleSet.transactionRules()));
        assertEquals(List.of(1, 4, 7), ids(ruleSet.orderRules()));
    }

    @Test
    void emptyRuleSetHasNoRules()
    {
        final RuleSet ruleSet = new RuleSet(List.of());

        assertEquals(List.of(), ruleSet.rules());
        assertEquals(0, ruleSet.transactionRules().length);
        assertEquals(0, ruleSet.orderRules().length);
    }

    private static List<Integer> ids(final Rule[] rules)
    {
        final List<Integer> ids = new ArrayList<>();
        for (final Rule rule : rules)
        {
            ids.add(rule.id());
        }
        return ids;
    }

    private static final class BothRule implements TransactionRule, OrderRule
    {
        private final int id;

        BothRule(final int id)
        {
            this.id = id;
        }

        @Override
        public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
        {
            return RuleResult.PASSED;
        }

        @Override
        public int onOrder(final OrderDecoder order, final RuleHit hit)
        {
            return RuleResult.PASSED;
        }

        @Override
        public int id()
        {
            return id;
        }

        @Override
        public String name()
        {
            return "both-" + id;
        }

        @Override
        public RuleAction action()
        {
            return RuleAction.ALERT_ONLY;
        }
    }
}
