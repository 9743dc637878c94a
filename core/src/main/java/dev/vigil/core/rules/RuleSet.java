package dev.vigil.core.rules;

import dev.vigil.core.rules.attribute.AttributeRule;
import dev.vigil.core.rules.expr.Condition;
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
    private final RuleFilter[] filtersById = new RuleFilter[Rule.MAX_RULE_ID + 1];
    private final TransactionRule[] transactionRules;
    private final Condition[] transactionFilters;
    private final OrderRule[] orderRules;
    private final Condition[] orderFilters;
    private final WatermarkRule[] watermarkRules;
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
        this(rules, definitions, windows, null);
    }

    /**
     * @param rules       the rules; ids must be unique and within {@code [0, Rule.MAX_RULE_ID]}.
     * @param definitions each rule's definition in a canonical form, in the order of {@code rules}, so that a rules
     *                    update can tell which rules it leaves unchanged; null when unknown.
     * @param windows     the windowed aggregations, ids unique.
     * @param filters     each rule's {@code where:}, in the order of {@code rules}, null for a rule that sees every
     *                    event; null when no rule has one.
     * @throws IllegalArgumentException naming the offending rule when ids clash or are out of range.
     */
    public RuleSet(
        final List<? extends Rule> rules,
        final List<String> definitions,
        final List<WindowSpec> windows,
        final List<RuleFilter> filters)
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
            filtersById[id] = filters == null ? null : filters.get(i);
        }

        // Evaluation order is id order, whatever order the rules were configured in, so alerts come out the same;
        // attributes come first, so that every rule's expressions read their values as they were before the event.
        final List<TransactionRule> txnRules = new ArrayList<>();
        final List<Condition> txnFilters = new ArrayList<>();
        final List<OrderRule> ordRules = new ArrayList<>();
        final List<Condition> ordFilters = new ArrayList<>();
        final List<WatermarkRule> byWatermark = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++)
        {
            for (int id = 0; id <= Rule.MAX_RULE_ID; id++)
            {
                final Rule rule = rulesById[id];
                if (rule != null && (rule instanceof AttributeRule) == (pass == 0))
                {
                    add(rule, filtersById[id], txnRules, txnFilters, ordRules, ordFilters, byWatermark);
                }
            }
        }
        transactionRules = txnRules.toArray(new TransactionRule[0]);
        transactionFilters = txnFilters.toArray(new Condition[0]);
        orderRules = ordRules.toArray(new OrderRule[0]);
        orderFilters = ordFilters.toArray(new Condition[0]);
        watermarkRules = byWatermark.toArray(new WatermarkRule[0]);
    }

    private static void add(
        final Rule rule,
        final RuleFilter filter,
        final List<TransactionRule> txnRules,
        final List<Condition> txnFilters,
        final List<OrderRule> ordRules,
        final List<Condition> ordFilters,
        final List<WatermarkRule> byWatermark)
    {
        if (rule instanceof WatermarkRule && ((WatermarkRule)rule).judgesByWatermark())
        {
            byWatermark.add((WatermarkRule)rule);
        }
        if (rule instanceof TransactionRule)
        {
            txnRules.add((TransactionRule)rule);
            txnFilters.add(filter == null ? null : filter.transactions());
        }
        if (rule instanceof OrderRule)
        {
            ordRules.add((OrderRule)rule);
            ordFilters.add(filter == null ? null : filter.orders());
        }
    }

    /**
     * @return the rules that judge when the watermark moves, in id order.
     */
    WatermarkRule[] watermarkRules()
    {
        return watermarkRules;
    }

    TransactionRule[] transactionRules()
    {
        return transactionRules;
    }

    /**
     * @return the {@code where:} of each of {@link #transactionRules()}, null where a rule sees every transaction.
     */
    Condition[] transactionFilters()
    {
        return transactionFilters;
    }

    OrderRule[] orderRules()
    {
        return orderRules;
    }

    /**
     * @return the {@code where:} of each of {@link #orderRules()}, null where a rule sees every order.
     */
    Condition[] orderFilters()
    {
        return orderFilters;
    }

    /**
     * @param id a rule id.
     * @return the {@code where:} of the rule with that id, or null when it has none.
     */
    public RuleFilter filter(final int id)
    {
        return id >= 0 && id <= Rule.MAX_RULE_ID ? filtersById[id] : null;
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
