package dev.vigil.core.rules;

import dev.vigil.core.window.WindowSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * An immutable, validated set of rules, split by the message type each rule judges, and the windowed aggregations
 * defined with them.
 */
public final class RuleSet
{
    private final Rule[] rulesById = new Rule[Rule.MAX_RULE_ID + 1];
    private final String[] definitionsById = new String[Rule.MAX_RULE_ID + 1];
    private final TransactionRule[] transactionRules;
    private final OrderRule[] orderRules;
    private final List<WindowSpec> windows;

    /**
     * @param rules the rules; ids must be unique and within {@code [0, Rule.MAX_RULE_ID]}.
     * @throws IllegalArgumentException naming the offending rule when ids clash or are out of range.
     */
    public RuleSet(final List<? extends Rule> rules)
    {
        this(rules, null);
    }

    /**
     * @param rules       the rules; ids must be unique and within {@code [0, Rule.MAX_RULE_ID]}.
     * @param definitions each rule's definition in a canonical form, in the order of {@code rules}, so that a rules
     *                    update can tell which rules it leaves unchanged; null when unknown.
     * @throws IllegalArgumentException naming the offending rule when ids clash or are out of range.
     */
    public RuleSet(final List<? extends Rule> rules, final List<String> definitions)
    {
        this(rules, definitions, List.of());
    }

    /**
     * @param rules       the rules; ids must be unique and within {@code [0, Rule.MAX_RULE_ID]}.
     * @param definitions each rule's definition in a canonical form, in the order of {@code rules}, so that a rules
     *                    update can tell which rules it leaves unchanged; null when unknown.
     * @param windows     the windowed aggregations, ids unique.
     * @throws IllegalArgumentException naming the offending rule when ids clash or are out of range.
     */
    public RuleSet(final List<? extends Rule> rules, final List<String> definitions, final List<WindowSpec> windows)
    {
        this.windows = List.copyOf(windows);
        for (int i = 0; i < rules.size(); i++)
        {
            final Rule rule = rules.get(i);
            final int id = rule.id();
            if (id < 0 || id > Rule.MAX_RULE_ID)
            {
                throw new IllegalArgumentException(
                    "rule '" + rule.name() + "': id " + id + " outside [0, " + Rule.MAX_RULE_ID + "]");
            }
            if (rulesById[id] != null)
            {
                throw new IllegalArgumentException(
                    "rule '" + rule.name() + "': id " + id + " already used by '" + rulesById[id].name() + "'");
            }
            rulesById[id] = rule;
            definitionsById[id] = definitions == null ? null : definitions.get(i);
        }

        // Evaluation order is id order, whatever order the rules were configured in, so alerts come out the same.
        final List<TransactionRule> txnRules = new ArrayList<>();
        final List<OrderRule> ordRules = new ArrayList<>();
        for (final Rule rule : rulesById)
        {
            if (rule instanceof TransactionRule)
            {
                txnRules.add((TransactionRule)rule);
            }
            if (rule instanceof OrderRule)
            {
                ordRules.add((OrderRule)rule);
            }
        }
        transactionRules = txnRules.toArray(new TransactionRule[0]);
        orderRules = ordRules.toArray(new OrderRule[0]);
    }

    TransactionRule[] transactionRules()
    {
        return transactionRules;
    }

    OrderRule[] orderRules()
    {
        return orderRules;
    }

    /**
     * @return the windowed aggregations, in configuration order.
     */
    public List<WindowSpec> windows()
    {
        return windows;
    }

    /**
     * @param id a rule id.
     * @return the rule with that id, or null.
     */
    public Rule ruleById(final int id)
    {
        return id >= 0 && id <= Rule.MAX_RULE_ID ? rulesById[id] : null;
    }

    /**
     * @param id a rule id.
     * @return the canonical definition the rule with that id was built from, or null when unknown.
     */
    public String definition(final int id)
    {
        return id >= 0 && id <= Rule.MAX_RULE_ID ? definitionsById[id] : null;
    }

    /**
     * @return every rule, ordered by id.
     */
    public List<Rule> rules()
    {
        final List<Rule> rules = new ArrayList<>();
        for (final Rule rule : rulesById)
        {
            if (rule != null)
            {
                rules.add(rule);
            }
        }
        return rules;
    }
}
