package dev.vigil.core.rules.config;

import dev.vigil.core.rules.AccountAmountSumRule;
import dev.vigil.core.rules.AccountVelocityRule;
import dev.vigil.core.rules.AmountSpikeRule;
import dev.vigil.core.rules.AmountThresholdRule;
import dev.vigil.core.rules.CardTestingRule;
import dev.vigil.core.rules.DistinctMerchantsRule;
import dev.vigil.core.rules.ImpossibleTravelRule;
import dev.vigil.core.rules.NotionalRule;
import dev.vigil.core.rules.OrderKey;
import dev.vigil.core.rules.OrderRateRule;
import dev.vigil.core.rules.PriceBandRule;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.StateKey;
import dev.vigil.core.rules.TransactionKey;
import dev.vigil.core.rules.attribute.OrderAttributeRule;
import dev.vigil.core.rules.attribute.TransactionAttributeRule;
import dev.vigil.core.rules.threshold.OrderThresholdRule;
import dev.vigil.core.rules.threshold.TransactionThresholdRule;
import dev.vigil.core.window.WindowInput;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The rule types a rules file may name: for each, the keys it can keep state by (the first is the default), whether
 * it needs a window, its parameters, and how to build it.
 */
public enum RuleType
{
    /** One transaction's amount above a limit. */
    AMOUNT_THRESHOLD("amount-threshold", List.of("account"), Window.NONE,
        List.of(ParameterSpec.integer("max-amount", 0, Long.MAX_VALUE, "largest amount that passes, minor units"))),
    /** More than a number of transactions per key in a sliding window. */
    VELOCITY("velocity", List.of("account", "card", "merchant"), Window.SLIDING,
        List.of(ParameterSpec.integer("max-count", 1, Integer.MAX_VALUE, "most transactions per key in the window"))),
    /** Transaction amounts per key in a sliding window add up to more than a limit. */
    AMOUNT_SUM("amount-sum", List.of("account", "card", "merchant"), Window.SLIDING,
        List.of(ParameterSpec.integer("max-amount", 0, Long.MAX_VALUE, "largest total in the window, minor units"))),
    /** An amount far above the key's rolling mean. */
    SPIKE("spike", List.of("account"), Window.NONE, List.of(
        ParameterSpec.integer("factor", 2, 1_000_000, "an amount above this many times the rolling mean fires"),
        ParameterSpec.integer("alpha-percent", 1, 100, "weight of each new amount in the rolling mean (EWMA)"),
        ParameterSpec.integer("min-history", 1, Integer.MAX_VALUE, "transactions needed before the key is judged"))),
    /** A small payment then a large one on the same card. */
    CARD_TESTING("card-testing", List.of("card"), Window.NONE, List.of(
        ParameterSpec.integer("small-max", 0, Long.MAX_VALUE, "payments up to this amount are small, minor units"),
        ParameterSpec.integer("large-min", 1, Long.MAX_VALUE, "payments from this amount are large, minor units"),
        ParameterSpec.duration("within", "1ms", "30h", "a large payment this soon after a small one fires"))),
    /** A card used in two countries too close in time. */
    IMPOSSIBLE_TRAVEL("impossible-travel", List.of("card"), Window.NONE, List.of(
        ParameterSpec.duration("within", "1s", "30h", "uses in two countries closer than this fire"))),
    /** More than a number of distinct merchants per key in a sliding window. */
    DISTINCT_MERCHANTS("distinct-merchants", List.of("account", "card"), Window.SIZE_ONLY, List.of(
        ParameterSpec.integer("max-merchants", 1, DistinctMerchantsRule.MAX_MERCHANTS_LIMIT,
            "most distinct merchants per key in the window"))),
    /** More than a number of orders per key in a sliding window. */
    ORDER_RATE("order-rate", List.of("account", "instrument"), Window.SLIDING,
        List.of(ParameterSpec.integer("max-count", 1, Integer.MAX_VALUE, "most orders per key in the window"))),
    /** Price times quantity per account and instrument in a sliding window. */
    NOTIONAL("notional", List.of("account-instrument"), Window.SLIDING,
        List.of(ParameterSpec.integer("max-notional", 0, Long.MAX_VALUE,
            "largest notional (price ticks x quantity) in the window"))),
    /** A limit price too far from the instrument's previous one. */
    PRICE_BAND("price-band", List.of("instrument"), Window.NONE,
        List.of(ParameterSpec.integer("basis-points", 0, 1_000_000,
            "largest distance from the previous limit price, basis points (500 = 5%)"))),
    /** A sequence pattern written in the file: {@code pattern:} holds its steps. */
    PATTERN("pattern", List.of("account", "card", "merchant", "instrument"), Window.NONE, List.of()),
    /**
     * An aggregate of a key's events (those meeting the rule's where:) in a sliding window against a limit; its
     * fields are its own, read by {@link ThresholdReader}, not parameters.
     */
    THRESHOLD("threshold", List.of("account", "card", "merchant", "instrument"), Window.SLIDING, List.of()),
    ATTRIBUTE("attribute", List.of("account", "card", "merchant", "instrument"), Window.NONE, List.of()),
    /** A rule class of your own: {@code class:} names it, its parameters are free. */
    CUSTOM("custom", List.of(), Window.NONE, List.of());

    /** Whether a type takes a window, and which parts. */
    enum Window
    {
        /** No window. */
        NONE,
        /** {@code size} only: the window slides with every event. */
        SIZE_ONLY,
        /** {@code size} and {@code slide}, the slide dividing the size. */
        SLIDING
    }

    private final String typeName;
    private final List<String> keys;
    private final Window window;
    private final List<ParameterSpec> parameters;

    RuleType(final String typeName, final List<String> keys, final Window window, final List<ParameterSpec> parameters)
    {
        this.typeName = typeName;
        this.keys = keys;
        this.window = window;
        this.parameters = parameters;
    }

    /**
     * @param name a type name as written in a rules file.
     * @return the type, or null when there is none by that name.
     */
    public static RuleType byName(final String name)
    {
        for (final RuleType type : values())
        {
            if (type.typeName.equals(name))
            {
                return type;
            }
        }
        return null;
    }

    /**
     * @return every type name, for error messages.
     */
    public static String names()
    {
        final StringBuilder names = new StringBuilder();
        for (final RuleType type : values())
        {
            names.append(names.length() == 0 ? "" : ", ").append(type.typeName);
        }
        return names.toString();
    }

    /**
     * @return the name a rules file uses.
     */
    public String typeName()
    {
        return typeName;
    }

    List<String> keys()
    {
        return keys;
    }

    Window window()
    {
        return window;
    }

    List<ParameterSpec> parameters()
    {
        return parameters;
    }

    /**
     * @return the messages rules of this type judge; none for custom rules, whose class says, and threshold and
     * pattern rules, whose {@code input:} says.
     */
    Set<WindowInput> inputs()
    {
        switch (this)
        {
            case ORDER_RATE:
            case NOTIONAL:
            case PRICE_BAND:
                return Set.of(WindowInput.ORDERS);
            case CUSTOM:
            case PATTERN:
            case THRESHOLD:
            case ATTRIBUTE:
                return Set.of();
            default:
                return Set.of(WindowInput.TRANSACTIONS);
        }
    }

    /**
     * A check across parameters, after each was found valid on its own.
     *
     * @param definition the rule.
     * @return what is wrong, or null.
     */
    String crossCheck(final RuleDefinition definition)
    {
        if (this == CARD_TESTING && definition.parameter("large-min") <= definition.parameter("small-max"))
        {
            return "parameter 'large-min' = " + definition.parameter("large-min") +
                " must be above 'small-max' = " + definition.parameter("small-max");
        }
        return null;
    }

    /**
     * Build a built-in rule; custom rules are built by {@link CustomRules}.
     *
     * @param d       its definition, valid.
     * @param maxKeys most keys a keyed rule tracks.
     * @return the rule, with empty state.
     */
    Rule create(final RuleDefinition d, final int maxKeys)
    {
        switch (this)
        {
            case PATTERN:
                return d.pattern().create(d, keyOver(d, d.pattern().input()), maxKeys);
            case ATTRIBUTE:
                return d.attribute().input() == WindowInput.ORDERS ?
                    new OrderAttributeRule(d.id(), d.name(), OrderKey.valueOf(d.key().toUpperCase(Locale.ROOT)),
                        d.attribute(), maxKeys) :
                    new TransactionAttributeRule(d.id(), d.name(), transactionKey(d), d.attribute(), maxKeys);
            case AMOUNT_THRESHOLD:
                return new AmountThresholdRule(d.id(), d.name(), d.action(), d.parameter("max-amount"));
            case VELOCITY:
                return new AccountVelocityRule(d.id(), d.name(), d.action(), transactionKey(d),
                    d.parameter("max-count"), d.windowSizeNs(), d.slideNs(), maxKeys);
            case AMOUNT_SUM:
                return new AccountAmountSumRule(d.id(), d.name(), d.action(), transactionKey(d),
                    d.parameter("max-amount"), d.windowSizeNs(), d.slideNs(), maxKeys);
            case SPIKE:
                return new AmountSpikeRule(d.id(), d.name(), d.action(), d.parameter("factor"),
                    d.parameter("alpha-percent") / 100.0, d.parameter("min-history"), maxKeys);
            case CARD_TESTING:
                return new CardTestingRule(d.id(), d.name(), d.action(), d.parameter("small-max"),
                    d.parameter("large-min"), d.parameter("within"), maxKeys);
            case IMPOSSIBLE_TRAVEL:
                return new ImpossibleTravelRule(d.id(), d.name(), d.action(), d.parameter("within"), maxKeys);
            case DISTINCT_MERCHANTS:
                return new DistinctMerchantsRule(d.id(), d.name(), d.action(), transactionKey(d),
                    (int)d.parameter("max-merchants"), d.windowSizeNs(), maxKeys);
            case ORDER_RATE:
                return new OrderRateRule(d.id(), d.name(), d.action(),
                    OrderKey.valueOf(d.key().toUpperCase(Locale.ROOT)),
                    d.parameter("max-count"), d.windowSizeNs(), d.slideNs(), maxKeys);
            case NOTIONAL:
                return new NotionalRule(d.id(), d.name(), d.action(), d.parameter("max-notional"),
                    d.windowSizeNs(), d.slideNs(), maxKeys);
            case PRICE_BAND:
                return new PriceBandRule(d.id(), d.name(), d.action(), d.parameter("basis-points"), maxKeys);
            case THRESHOLD:
                return d.threshold().input() == WindowInput.ORDERS ?
                    new OrderThresholdRule(d.id(), d.name(), d.action(),
                        OrderKey.valueOf(d.key().toUpperCase(Locale.ROOT)), d.threshold(), maxKeys) :
                    new TransactionThresholdRule(d.id(), d.name(), d.action(), transactionKey(d), d.threshold(),
                        maxKeys);
            default:
                throw new IllegalStateException("custom rules are built by CustomRules");
        }
    }

    private static StateKey keyOver(final RuleDefinition definition, final WindowInput input)
    {
        final boolean orders = input == WindowInput.ORDERS;
        switch (definition.key())
        {
            case "card":
                return StateKey.CARD;
            case "merchant":
                return StateKey.MERCHANT;
            case "instrument":
                return StateKey.INSTRUMENT;
            default:
                return orders ? StateKey.ACCOUNT_ORDERS : StateKey.ACCOUNT;
        }
    }

    private static TransactionKey transactionKey(final RuleDefinition definition)
    {
        return TransactionKey.valueOf(definition.key().toUpperCase(Locale.ROOT));
    }
}
