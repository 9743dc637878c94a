package dev.vigil.app.engine;

import dev.vigil.app.config.Setting;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.dedup.DecisionDedup;
import dev.vigil.core.pipeline.EngineCounters;
import dev.vigil.core.pipeline.RulesHandler;
import dev.vigil.core.rules.AccountAmountSumRule;
import dev.vigil.core.rules.AccountVelocityRule;
import dev.vigil.core.rules.AmountSpikeRule;
import dev.vigil.core.rules.AmountThresholdRule;
import dev.vigil.core.rules.CardTestingRule;
import dev.vigil.core.rules.ImpossibleTravelRule;
import dev.vigil.core.rules.NotionalRule;
import dev.vigil.core.rules.OrderRateRule;
import dev.vigil.core.rules.PriceBandRule;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleAction;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;

import org.agrona.BufferUtil;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.util.List;
import java.util.Locale;

/**
 * Builds the rule set from the configuration. Rule ids are fixed so that fired-rule bitmaps mean the same thing
 * across restarts and replays.
 */
public final class RuleSetFactory
{
    /** Id of the single-transaction amount threshold rule. */
    public static final int AMOUNT_RULE_ID = 0;
    /** Id of the per-account transaction velocity rule. */
    public static final int VELOCITY_RULE_ID = 1;
    /** Id of the per-account order-rate limit. */
    public static final int ORDER_RATE_RULE_ID = 2;
    /** Id of the per-account sum of amounts over a window. */
    public static final int AMOUNT_SUM_RULE_ID = 3;
    /** Id of the impossible-travel rule per card. */
    public static final int TRAVEL_RULE_ID = 4;
    /** Id of the card-testing pattern rule. */
    public static final int CARD_TESTING_RULE_ID = 5;
    /** Id of the per-account and instrument notional limit. */
    public static final int NOTIONAL_RULE_ID = 6;
    /** Id of the amount spike against the account's rolling mean. */
    public static final int SPIKE_RULE_ID = 7;
    /** Id of the price band around the instrument's reference price. */
    public static final int PRICE_BAND_RULE_ID = 8;

    private RuleSetFactory()
    {
    }

    /**
     * @param config the configuration.
     * @return the rule set it describes.
     */
    public static RuleSet fromConfig(final VigilConfig config)
    {
        final int maxKeys = config.getInt(Settings.RULES_MAX_KEYS);
        final List<Rule> rules = List.of(
            new AmountThresholdRule(
                AMOUNT_RULE_ID,
                "amount-threshold",
                action(config, Settings.RULES_AMOUNT_ACTION),
                config.getLong(Settings.RULES_AMOUNT_MAX)),
            new AccountVelocityRule(
                VELOCITY_RULE_ID,
                "account-velocity",
                action(config, Settings.RULES_VELOCITY_ACTION),
                config.getLong(Settings.RULES_VELOCITY_MAX_COUNT),
                config.getDurationNs(Settings.RULES_VELOCITY_WINDOW),
                config.getDurationNs(Settings.RULES_VELOCITY_SLIDE),
                maxKeys),
            new OrderRateRule(
                ORDER_RATE_RULE_ID,
                "order-rate",
                action(config, Settings.RULES_ORDER_RATE_ACTION),
                config.getLong(Settings.RULES_ORDER_RATE_MAX),
                config.getDurationNs(Settings.RULES_ORDER_RATE_WINDOW),
                config.getDurationNs(Settings.RULES_ORDER_RATE_SLIDE),
                maxKeys),
            new AccountAmountSumRule(
                AMOUNT_SUM_RULE_ID,
                "amount-sum",
                action(config, Settings.RULES_AMOUNT_SUM_ACTION),
                config.getLong(Settings.RULES_AMOUNT_SUM_MAX),
                config.getDurationNs(Settings.RULES_AMOUNT_SUM_WINDOW),
                config.getDurationNs(Settings.RULES_AMOUNT_SUM_SLIDE),
                maxKeys),
            new ImpossibleTravelRule(
                TRAVEL_RULE_ID,
                "impossible-travel",
                action(config, Settings.RULES_TRAVEL_ACTION),
                config.getDurationNs(Settings.RULES_TRAVEL_WITHIN),
                maxKeys),
            new CardTestingRule(
                CARD_TESTING_RULE_ID,
                "card-testing",
                action(config, Settings.RULES_CARD_TESTING_ACTION),
                config.getLong(Settings.RULES_CARD_TESTING_SMALL_MAX),
                config.getLong(Settings.RULES_CARD_TESTING_LARGE_MIN),
                config.getDurationNs(Settings.RULES_CARD_TESTING_WITHIN),
                maxKeys),
            new NotionalRule(
                NOTIONAL_RULE_ID,
                "notional",
                action(config, Settings.RULES_NOTIONAL_ACTION),
                config.getLong(Settings.RULES_NOTIONAL_MAX),
                config.getDurationNs(Settings.RULES_NOTIONAL_WINDOW),
                config.getDurationNs(Settings.RULES_NOTIONAL_SLIDE),
                maxKeys),
            new AmountSpikeRule(
                SPIKE_RULE_ID,
                "amount-spike",
                action(config, Settings.RULES_SPIKE_ACTION),
                config.getLong(Settings.RULES_SPIKE_FACTOR),
                config.getLong(Settings.RULES_SPIKE_ALPHA_PERCENT) / 100.0,
                config.getLong(Settings.RULES_SPIKE_MIN_HISTORY),
                maxKeys),
            new PriceBandRule(
                PRICE_BAND_RULE_ID,
                "price-band",
                action(config, Settings.RULES_PRICE_BAND_ACTION),
                config.getLong(Settings.RULES_PRICE_BAND_BASIS_POINTS),
                maxKeys));
        return new RuleSet(rules);
    }

    /**
     * The rules stage the configuration describes: its rules, the state-full fallback verdict, the retry window.
     *
     * @param config   the configuration.
     * @param counters where the stage counts.
     * @param clock    stamps stage times for latency breakdowns.
     * @return a new rules stage handler with fresh state.
     */
    public static RulesHandler rulesHandler(
        final VigilConfig config, final EngineCounters counters, final NanoClock clock)
    {
        final Verdict stateFullVerdict =
            Verdict.valueOf(config.get(Settings.RULES_STATE_FULL_VERDICT).toUpperCase(Locale.ROOT));
        return new RulesHandler(
            new RuleEvaluator(fromConfig(config), stateFullVerdict),
            new DecisionDedup(config.getInt(Settings.DEDUP_WINDOW)),
            counters,
            clock);
    }

    /**
     * A rules stage for offline runs (replay, what-if, benchmarks): its counters live in private memory rather than
     * in a media driver's counters file.
     *
     * @param config the configuration.
     * @return a new rules stage handler with fresh state.
     */
    public static RulesHandler offlineRulesHandler(final VigilConfig config)
    {
        final int counters = 256;
        final CountersManager countersManager = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(counters * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(counters * CountersReader.COUNTER_LENGTH, 64)));
        return rulesHandler(config, new EngineCounters((typeId, label) -> countersManager.newCounter(label, typeId)),
            SystemNanoClock.INSTANCE);
    }

    private static RuleAction action(final VigilConfig config, final Setting setting)
    {
        return RuleAction.valueOf(config.get(setting).toUpperCase(Locale.ROOT));
    }
}
