package dev.vigil.app.engine;

import dev.vigil.app.config.VigilConfig;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.counters.WindowCounters;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.rules.config.RulesFile;
import dev.vigil.core.stage.rules.RulesHandler;
import dev.vigil.core.window.WindowSink;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * What a rules stage is made from, each part with a default, in place of one factory method per combination: the
 * engine sets them all, an offline run (replay, what-if, a benchmark) only what differs.
 * <pre>{@code
 * RulesHandler rules = new RulesStageContext(config).windowSink(rows).newHandler();
 * }</pre>
 */
public final class RulesStageContext
{
    private final VigilConfig config;
    private RulesFile rulesFile;
    private EngineCounters counters;
    private WindowCounters windowCounters;
    private NanoClock clock = SystemNanoClock.INSTANCE;
    private WindowSink windowSink = WindowSink.NONE;
    private KeyedStateStores.StoreOpener stores = KeyedStateStores.inMemory();

    /**
     * @param config the settings: time, state-full verdict, retry window, keys.
     */
    public RulesStageContext(final VigilConfig config)
    {
        this.config = config;
    }

    /**
     * @param rulesFile the rules to start with; default the configuration's {@code rules.file}.
     * @return this.
     */
    public RulesStageContext rulesFile(final RulesFile rulesFile)
    {
        this.rulesFile = rulesFile;
        return this;
    }

    /**
     * @param counters where the stage counts; default counters in private memory (an offline run's).
     * @return this.
     */
    public RulesStageContext counters(final EngineCounters counters)
    {
        this.counters = counters;
        return this;
    }

    /**
     * @param windowCounters where the windows count; default new ones among {@link #counters}.
     * @return this.
     */
    public RulesStageContext windowCounters(final WindowCounters windowCounters)
    {
        this.windowCounters = windowCounters;
        return this;
    }

    /**
     * @param clock stamps stage times for latency breakdowns; default the system's.
     * @return this.
     */
    public RulesStageContext clock(final NanoClock clock)
    {
        this.clock = clock;
        return this;
    }

    /**
     * @param windowSink where window results and late events go; default nowhere.
     * @return this.
     */
    public RulesStageContext windowSink(final WindowSink windowSink)
    {
        this.windowSink = windowSink;
        return this;
    }

    /**
     * @param stores opens the keyed state's record stores (close them with {@code handler.keyedState().close()});
     *               default process memory.
     * @return this.
     */
    public RulesStageContext stores(final KeyedStateStores.StoreOpener stores)
    {
        this.stores = stores;
        return this;
    }

    /**
     * @return a new rules stage handler with fresh state, its parts set up in the order the handler needs.
     * @throws dev.vigil.app.config.ConfigException when the rules are invalid, need larger records than configured,
     *                                               or a store cannot be opened.
     */
    public RulesHandler newHandler()
    {
        final EngineCounters stageCounters = counters == null ? RuleSetFactory.offlineCounters() : counters;
        return RuleSetFactory.rulesHandler(
            config,
            rulesFile == null ? RuleSetFactory.rulesFile(config) : rulesFile,
            stageCounters,
            windowCounters == null ? new WindowCounters(stageCounters) : windowCounters,
            clock,
            windowSink,
            stores);
    }
}
