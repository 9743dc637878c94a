package dev.vigil.core.rules;

import dev.vigil.core.rules.expr.Condition;

/**
 * A rule's {@code where:}: the condition an event must meet for the rule to see it at all, compiled for each kind of
 * message the rule judges. An event that does not meet it is not given to the rule: no state is touched and the rule
 * stays silent.
 */
public final class RuleFilter
{
    private final Condition transactions;
    private final Condition orders;
    private final String text;
    private final String canonical;

    /**
     * @param transactions the condition compiled over transactions, null when the rule judges none.
     * @param orders       the condition compiled over orders, null when the rule judges none.
     */
    public RuleFilter(final Condition transactions, final Condition orders)
    {
        if (transactions == null && orders == null)
        {
            throw new IllegalArgumentException("a filter needs a condition over transactions or over orders");
        }
        this.transactions = transactions;
        this.orders = orders;
        final Condition any = transactions != null ? transactions : orders;
        this.text = any.text();
        // Compiled from one text, the conditions over either kind of message read alike.
        this.canonical = any.canonical();
    }

    /**
     * @return the condition over transactions, null when the rule judges none.
     */
    public Condition transactions()
    {
        return transactions;
    }

    /**
     * @return the condition over orders, null when the rule judges none.
     */
    public Condition orders()
    {
        return orders;
    }

    /**
     * @return the condition as written.
     */
    public String text()
    {
        return text;
    }

    /**
     * @return a canonical form: filters with the same one select the same events.
     */
    public String canonical()
    {
        return canonical;
    }
}
