package dev.vigil.app.engine;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.RulesFiles;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.counters.WindowCounters;
import dev.vigil.core.dedup.DecisionDedup;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.rules.config.RuleSetBuilder;
import dev.vigil.core.rules.config.RulesFile;
import dev.vigil.core.rules.config.RulesFileException;
import dev.vigil.core.stage.rules.RulesHandler;
import dev.vigil.core.window.EventTimeWindows;
import dev.vigil.core.window.SourceWatermarks;
import dev.vigil.core.window.WindowSink;
import org.agrona.BufferUtil;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongPredicate;

/**
 * Builds the rules stage from the configuration: the rules and windowed aggregations from the rules file
 * ({@code rules.file}), the engine-wide knobs ({@code rules.max.keys}, {@code rules.state.full.verdict},
 * {@code dedup.window}, {@code time.*}) from the settings.
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
            return RulesFiles.read(file);
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
     * @param config the configuration.
     * @return where the engine keeps its keyed state: Chronicle Maps in process memory, or in files in
     * data.dir/state.
     */
    public static KeyedStateStores.StoreOpener engineStateStores(final VigilConfig config)
    {
        final Path stateDir = stateDirectory(config);
        if (config.getBoolean(Settings.RULES_STATE_PERSISTED))
        {
            return KeyedStateStores.persistedIn(stateDir);
        }
        // Files an engine with persisted state left are never read (a start rebuilds the state from the snapshot and
        // the journal), and at scale they hold gigabytes of disk.
        KeyedStateStores.deleteFilesIn(stateDir);
        return KeyedStateStores.chronicleInMemory();
    }

    private static Path stateDirectory(final VigilConfig config)
    {
        return Path.of(config.get(Settings.DATA_DIR)).resolve("state");
    }

    /**
     * The rules stage with its keyed state in the record stores an opener gives (close them with
     * {@code handler.keyedState().close()}); callers make one through a {@link RulesStageContext}.
     *
     * @param config         the configuration.
     * @param rulesFile      the rules to start with.
     * @param counters       where the stage counts.
     * @param windowCounters where the windows count.
     * @param clock          stamps stage times for latency breakdowns.
     * @param windowSink     where window results and late events go.
     * @param stores         opens the keyed state's record stores.
     * @return a new rules stage handler with fresh state.
     * @throws ConfigException when the rules need larger records than configured, or a store cannot be opened.
     */
    static RulesHandler rulesHandler(
        final VigilConfig config, final RulesFile rulesFile, final EngineCounters counters,
        final WindowCounters windowCounters, final NanoClock clock, final WindowSink windowSink,
        final KeyedStateStores.StoreOpener stores)
    {
        final Verdict stateFullVerdict =
            Verdict.valueOf(config.get(Settings.RULES_STATE_FULL_VERDICT).toUpperCase(Locale.ROOT));
        final RuleSet ruleSet = build(config, rulesFile);
        final EventTimeWindows windows = new EventTimeWindows(ruleSet.windows(), watermarks(config));
        windows.sink(windowSink);
        final KeyedStateStores keyedState = keyedState(config, ruleSet, stores);
        final RulesHandler handler = new RulesHandler(
            new RuleEvaluator(ruleSet, stateFullVerdict),
            new DecisionDedup(config.getInt(Settings.DEDUP_WINDOW)),
            counters,
            clock,
            windows,
            windowCounters);
        handler.rulesSource(new RuleSetBuilder(config.getInt(Settings.RULES_MAX_KEYS)), rulesFile.text());
        handler.keyedState(keyedState);
        return handler;
    }

    /**
     * Check, before anything starts, that the rules' keyed state fits the largest record configured.
     *
     * @param config    the configuration.
     * @param rulesFile the rules.
     * @throws ConfigException naming the state key and the bytes when it does not.
     */
    public static void checkKeyedState(final VigilConfig config, final RulesFile rulesFile)
    {
        try
        {
            KeyedStateStores.recordSizes(
                build(config, rulesFile), config.getInt(Settings.RULES_STATE_MAX_RECORD_BYTES));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(ex.getMessage());
        }
    }

    private static KeyedStateStores keyedState(
        final VigilConfig config, final RuleSet ruleSet, final KeyedStateStores.StoreOpener stores)
    {
        try
        {
            return new KeyedStateStores(ruleSet, config.getInt(Settings.RULES_MAX_KEYS),
                config.getInt(Settings.RULES_STATE_MAX_RECORD_BYTES), stores);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(ex.getMessage());
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new ConfigException("keyed state: cannot open its stores" +
                (config.getBoolean(Settings.RULES_STATE_PERSISTED) ?
                    " in " + stateDirectory(config) : " in memory") +
                " (" + ex.getMessage() + ")");
        }
    }

    /**
     * @param config the configuration.
     * @return the sources' watermarks as the {@code time.*} settings describe them.
     */
    public static SourceWatermarks watermarks(final VigilConfig config)
    {
        final long idleTimeoutNs = config.getDurationNs(Settings.TIME_SOURCE_IDLE_TIMEOUT);
        return new SourceWatermarks(
            config.getDurationNs(Settings.TIME_OUT_OF_ORDERNESS),
            idleTimeoutNs == 0 ? Long.MAX_VALUE : idleTimeoutNs,
            config.getInt(Settings.TIME_MAX_SOURCES));
    }

    /**
     * @param config the configuration.
     * @return the fingerprint of the settings that shape the rules stage's state, which every snapshot records and
     * a load checks: a state is never loaded under other engine-wide rule, time or retry settings.
     */
    public static long stateFingerprint(final VigilConfig config)
    {
        return EngineSnapshots.fingerprint(config);
    }

    /**
     * @param config the configuration.
     * @return accepts the fingerprints a snapshot of this configuration may carry: {@link #stateFingerprint}, and the
     * one older versions gave snapshots taken with the keyed state in memory.
     */
    public static LongPredicate acceptedStateFingerprints(final VigilConfig config)
    {
        return EngineSnapshots.acceptedFingerprints(config);
    }

    /**
     * Engine counters for offline runs: in private memory rather than in a media driver's counters file.
     *
     * @return a fresh set of counters.
     */
    public static EngineCounters offlineCounters()
    {
        final int counters = 256;
        final CountersManager countersManager = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(counters * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(counters * CountersReader.COUNTER_LENGTH, 64)));
        return new EngineCounters((typeId, label) -> countersManager.newCounter(label, typeId));
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
