package dev.vigil.app.engine;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.rules.RuleSetBuilder;
import dev.vigil.app.rules.RulesFile;
import dev.vigil.app.rules.RulesFileException;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.dedup.DecisionDedup;
import dev.vigil.core.pipeline.EngineCounters;
import dev.vigil.core.pipeline.RulesHandler;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;

import org.agrona.BufferUtil;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Builds the rules stage from the configuration: the rules from the rules file ({@code rules.file}), the engine-wide
 * knobs ({@code rules.max.keys}, {@code rules.state.full.verdict}, {@code dedup.window}) from the settings.
 */
public final class RuleSetFactory
{
    /** Id of the single-transaction amount threshold rule in config/rules.yaml. */
    public static final int AMOUNT_RULE_ID = 0;
    /** Id of the per-account transaction velocity rule in config/rules.yaml. */
    public static final int VELOCITY_RULE_ID = 1;
    /** Id of the per-account order-rate limit in config/rules.yaml. */
    public static final int ORDER_RATE_RULE_ID = 2;
    /** Id of the distinct-merchants rule in config/rules.yaml. */
    public static final int DISTINCT_MERCHANTS_RULE_ID = 9;

    private RuleSetFactory()
    {
    }

    /**
     * @param config the configuration.
     * @return the rules file it names, validated.
     * @throws ConfigException naming every error, or why the file cannot be read.
     */
    public static RulesFile rulesFile(final VigilConfig config)
    {
        return rulesFile(Path.of(config.get(Settings.RULES_FILE)));
    }

    /**
     * @param file a rules file.
     * @return the rules file, validated.
     * @throws ConfigException naming every error, or why the file cannot be read.
     */
    public static RulesFile rulesFile(final Path file)
    {
        try
        {
            return RulesFile.read(file);
        }
        catch (final UncheckedIOException ex)
        {
            throw new ConfigException(ex.getMessage());
        }
        catch (final RulesFileException ex)
        {
            throw new ConfigException(invalidRules(ex));
        }
    }

    /**
     * @param config the configuration.
     * @return the rule set its rules file describes.
     */
    public static RuleSet fromConfig(final VigilConfig config)
    {
        return build(config, rulesFile(config));
    }

    /**
     * The rules stage the configuration describes, with the rules of its rules file.
     *
     * @param config   the configuration.
     * @param counters where the stage counts.
     * @param clock    stamps stage times for latency breakdowns.
     * @return a new rules stage handler with fresh state.
     */
    public static RulesHandler rulesHandler(
        final VigilConfig config, final EngineCounters counters, final NanoClock clock)
    {
        return rulesHandler(config, rulesFile(config), counters, clock);
    }

    /**
     * The rules stage: the given rules, the state-full fallback verdict, the retry window.
     *
     * @param config    the configuration.
     * @param rulesFile the rules to start with.
     * @param counters  where the stage counts.
     * @param clock     stamps stage times for latency breakdowns.
     * @return a new rules stage handler with fresh state.
     */
    public static RulesHandler rulesHandler(
        final VigilConfig config, final RulesFile rulesFile, final EngineCounters counters, final NanoClock clock)
    {
        final Verdict stateFullVerdict =
            Verdict.valueOf(config.get(Settings.RULES_STATE_FULL_VERDICT).toUpperCase(Locale.ROOT));
        final RulesHandler handler = new RulesHandler(
            new RuleEvaluator(build(config, rulesFile), stateFullVerdict),
            new DecisionDedup(config.getInt(Settings.DEDUP_WINDOW)),
            counters,
            clock);
        handler.rulesSource(new RuleSetBuilder(config.getInt(Settings.RULES_MAX_KEYS)), rulesFile.text());
        return handler;
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
        return offlineRulesHandler(config, rulesFile(config));
    }

    /**
     * A rules stage for offline runs with the given rules.
     *
     * @param config    the configuration.
     * @param rulesFile the rules to start with.
     * @return a new rules stage handler with fresh state.
     */
    public static RulesHandler offlineRulesHandler(final VigilConfig config, final RulesFile rulesFile)
    {
        final int counters = 256;
        final CountersManager countersManager = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(counters * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(counters * CountersReader.COUNTER_LENGTH, 64)));
        return rulesHandler(config, rulesFile,
            new EngineCounters((typeId, label) -> countersManager.newCounter(label, typeId)), SystemNanoClock.INSTANCE);
    }

    /**
     * @param ex a rules file's errors.
     * @return a message naming every one.
     */
    public static String invalidRules(final RulesFileException ex)
    {
        return "invalid rules, " + ex.errors().size() + " error(s):" + System.lineSeparator() + "  " +
            String.join(System.lineSeparator() + "  ", ex.errors());
    }

    private static RuleSet build(final VigilConfig config, final RulesFile rulesFile)
    {
        try
        {
            return new RuleSetBuilder(config.getInt(Settings.RULES_MAX_KEYS)).build(rulesFile, null);
        }
        catch (final RulesFileException ex)
        {
            throw new ConfigException(invalidRules(ex));
        }
    }
}
