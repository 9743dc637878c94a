package dev.vigil.app.engine;

import dev.vigil.app.config.AddressRanges;
import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.live.LiveCounter;
import dev.vigil.app.live.LivePage;
import dev.vigil.app.metrics.MetricsServer;
import dev.vigil.app.metrics.RoundTripHistogram;
import dev.vigil.app.session.Authenticator;
import dev.vigil.app.session.OpenedReplyPath;
import dev.vigil.app.session.SessionGate;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.counters.WindowCounter;
import dev.vigil.core.counters.WindowCounters;
import dev.vigil.core.rules.config.RuleDefinition;
import dev.vigil.core.rules.config.RulesFile;
import dev.vigil.core.stage.EnginePipeline;
import dev.vigil.core.stage.egress.EgressHandler;
import dev.vigil.core.stage.egress.WindowResultBuffer;
import dev.vigil.core.stage.ingress.RingIngress;
import dev.vigil.core.stage.journal.JournalHandler;
import dev.vigil.core.stage.rules.RulesHandler;
import io.aeron.Aeron;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.exceptions.ActiveDriverException;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A running Vigil engine: media driver (embedded unless configured otherwise), ingress subscription, the ring and
 * its stages, reply and alert publications, and the threads the profile asks for. In the shared profile an embedded
 * driver and the Aeron client conductor run on the engine's one thread beside the stages, so a client on the second
 * core never competes with it; only a journal that forces its writes gets a second thread, which parks when idle.
 * <pre>
 *   clients ─UDP─► driver ─► ingress ─► ring ─┬► journal ─┐
 *                                              └► rules  ──┴► egress ─► driver ─UDP─► each client / alerts
 * </pre>
 */
public final class VigilEngine implements AutoCloseable
{
    private static final Agent NO_DUTY = new Agent()
    {
        @Override
        public int doWork()
        {
            return 0;
        }

        @Override
        public String roleName()
        {
            return "none";
        }
    };

    private final Context ctx;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final EngineCounters counters;
    private final AeronReplySink replySink;
    private final RingIngress ringIngress;
    private final EngineJournal journal;
    private final EngineSnapshots snapshots;
    private final RulesHandler rules;
    private final EngineErrors errors;
    private final EnginePipeline pipeline;
    private final IngressAgent ingressAgent;
    private final SessionGate sessionGate;
    private final RoundTripHistogram roundTrip = new RoundTripHistogram();
    private final MetricsServer metricsServer;
    private final LivePage livePage;
    private final Path dataDir;
    private final EngineInfo info;
    private String stopReport = "";
    private final String rulesReport;
    /** A line on the driver's UDP receive buffer when the OS grants less than asked; empty otherwise. */
    private final String receiveBufferReport;
    private boolean closed;
    private static final int DEDICATED_DRIVER_THREADS = 3;

    private final List<AgentRunner> runners = new ArrayList<>();
    /** The embedded driver's and client conductor's duty cycle when they run as invokers; {@link #NO_DUTY} else. */
    private final Agent transportDuty;

    private VigilEngine(final Context ctx)
    {
        this.ctx = ctx;
        final VigilConfig config = ctx.config();
        // The rules file before anything starts: a bad one stops the start with every error in it.
        final RulesFile rulesFile = RuleSetFactory.rulesFile(config);
        RuleSetFactory.checkKeyedState(config, rulesFile);
        // So is a credentials file that cannot be used: an engine meant to authenticate must not start open.
        final Authenticator authenticator = EngineSessions.authenticator(config);
        // Whatever a failed start has opened is released here, newest first.
        final OpenedResources opened = new OpenedResources();
        try
        {
            // First the journal: it fails fast on damage, before anything listens on the network.
            journal = EngineJournal.open(config);
            opened.add(journal.input());
            dataDir = ctx.dataDir();
            createDataDir(dataDir);
            errors = opened.add(EngineErrors.open(dataDir, ctx.errorHandler()));
            final UdpReceiveBuffer receiveBuffer = ctx.embeddedDriver() ?
                UdpReceiveBuffer.probe(config.getInt(Settings.AERON_SOCKET_RCVBUF)) : null;
            receiveBufferReport = receiveBuffer == null ? "" : receiveBuffer.shortfall();
            driver = opened.add(receiveBuffer == null ? null : launchDriver(ctx, receiveBuffer, errors));
            final AgentInvoker driverInvoker = driver == null ? null : driver.sharedAgentInvoker();
            aeron = opened.add(connectAeron(ctx.aeronDirectoryName(), ctx.aeronTimeoutNs(), driverInvoker, errors));
            final List<Agent> transportAgents = transportAgents(driverInvoker, aeron);
            transportDuty = transportAgents.isEmpty() ? NO_DUTY : new CompositeAgent(transportAgents);

            // Recovery may take longer than Aeron's timeouts: until the engine's own threads start, another services
            // the driver and the client conductor that would otherwise wait on this one.
            final RecoveryTransportKeeper keeper = opened.add(keepTransportServiced(errors));
            counters = opened.add(
                new EngineCounters(keeper == null ? aeron::addCounter : keeper.counterFactory(aeron)));
            errors.countInto(counters.get(EngineCounter.ERRORS));
            final WindowCounters windowCounters = new WindowCounters(counters);
            final WindowResultBuffer windowResults = new WindowResultBuffer(
                config.getInt(Settings.WINDOWS_OUTPUT_BUFFER), windowCounters.get(WindowCounter.RESULTS_DROPPED));
            rules = newRulesStage(rulesFile, windowCounters);
            opened.add(rules.keyedState());
            snapshots = opened.add(new EngineSnapshots(config, counters, errors));
            recover(windowResults);
            // Recovered: from here this thread's Aeron calls run the invokers themselves, then the engine's threads do.
            opened.closeNow(keeper);

            final OneToOneConcurrentArrayQueue<OpenedReplyPath> openedPaths =
                new OneToOneConcurrentArrayQueue<>(EngineSessions.HANDOFF_CAPACITY);
            replySink = opened.add(newReplySink(openedPaths));
            pipeline = newPipeline(windowResults);
            ringIngress = new RingIngress(pipeline.ring(), ctx.clock(), counters, journal.lastSequence());
            sessionGate = opened.add(
                EngineSessions.gate(config, aeron, ringIngress, authenticator, ctx.clock(), counters, openedPaths));
            ingressAgent = newIngressAgent();
            rulesReport = journalRulesInForce(rulesFile);

            runners.addAll(newRunners(transportAgents));
            final AtomicCounter[] liveCounters =
                ctx.httpPort() == 0 ? null : counters.addExported(LiveCounter.values());
            final RoundTripHistogram.Reader pageRoundTrips = ctx.httpPort() == 0 ? null : roundTrip.newReader();
            metricsServer = opened.add(
                ctx.metricsPort() == 0 ? null : MetricsServer.start(ctx.metricsPort(), counters.metrics(), roundTrip));
            startRunners();
            // The page subscribes to the alert stream through a client of its own, once the driver runs.
            livePage = opened.add(ctx.httpPort() == 0 ? null : LivePage.start(
                config, ctx.aeronDirectoryName(), counters.metrics(), pageRoundTrips, liveCounters, errors,
                rules::rulesTextInForce));
            info = EngineInfo.ofThisProcess(ctx.aeronDirectoryName(), ctx.metricsPort(),
                livePage == null ? "" : livePage.address());
            info.write(dataDir);
        }
        catch (final RuntimeException | Error ex)
        {
            closeStarted(opened, ex);
            throw ex;
        }
    }

    private static List<Agent> transportAgents(final AgentInvoker driverInvoker, final Aeron aeron)
    {
        if (driverInvoker == null)
        {
            return List.of();
        }
        return List.of(
            new InvokerAgent(driverInvoker, "aeron-driver"),
            new InvokerAgent(aeron.conductorAgentInvoker(), "aeron-client-conductor"));
    }

    private RulesHandler newRulesStage(final RulesFile rulesFile, final WindowCounters windowCounters)
    {
        final RulesHandler handler = new RulesStageContext(ctx.config())
            .rulesFile(rulesFile)
            .counters(counters)
            .windowCounters(windowCounters)
            .clock(ctx.clock())
            .stores(RuleSetFactory.engineStateStores(ctx.config()))
            .newHandler();
        handler.errorHandler(errors);
        return handler;
    }

    /**
     * The rules stage's state from the last snapshot and the journal after it; then window results go to egress.
     */
    private void recover(final WindowResultBuffer windowResults)
    {
        journal.replayInto(rules, snapshots, ctx.maxFrameLength(), ctx.recoveryProgress());
        // What replayed inputs emitted was published before the restart; only new inputs' results go out.
        rules.windows().sink(windowResults);
        if (journal.enabled())
        {
            rules.snapshotTaker(snapshots);
        }
    }

    private AeronReplySink newReplySink(final OneToOneConcurrentArrayQueue<OpenedReplyPath> openedPaths)
    {
        final VigilConfig config = ctx.config();
        final Publication alertPublication =
            aeron.addPublication(config.get(Settings.ALERTS_CHANNEL), config.getInt(Settings.ALERTS_STREAM_ID));
        return new AeronReplySink(
            aeron,
            alertPublication,
            ctx.clock(),
            config.getDurationNs(Settings.EGRESS_RETRY_TIMEOUT),
            openedPaths,
            transportDuty,
            counters.get(EngineCounter.EGRESS_BACK_PRESSURED),
            counters.get(EngineCounter.REPLIES_NOT_DELIVERED));
    }

    private EnginePipeline newPipeline(final WindowResultBuffer windowResults)
    {
        final NanoClock clock = ctx.clock();
        final EgressHandler egress = new EgressHandler(replySink, counters, clock, windowResults);
        egress.roundTripRecorder(roundTrip);
        final EnginePipeline built = new EnginePipeline(
            ctx.ringSize(),
            ctx.maxFrameLength(),
            new JournalHandler(journal.input(), clock, counters, errors),
            rules,
            egress,
            rules::doDutyCycle,
            egress::doDutyCycle);
        final int lookahead = ctx.config().getInt(Settings.RULES_LOOKAHEAD);
        if (lookahead > 0 && rules.keyedState() != null)
        {
            rules.lookAhead(built.ring(), lookahead);
        }
        return built;
    }

    private IngressAgent newIngressAgent()
    {
        final VigilConfig config = ctx.config();
        final OneToOneConcurrentArrayQueue<Image> closedImages = new OneToOneConcurrentArrayQueue<>(1024);
        final Subscription subscription = aeron.addSubscription(
            config.get(Settings.INGRESS_CHANNEL),
            config.getInt(Settings.INGRESS_STREAM_ID),
            null,
            closedImages::offer);
        return new IngressAgent(
            subscription,
            ringIngress,
            config.getInt(Settings.INGRESS_FRAGMENT_LIMIT),
            ctx.maxFrameLength(),
            closedImages,
            new SnapshotSchedule(
                ringIngress.lastEngineSeq(),
                config.getLong(Settings.SNAPSHOT_FIRST_EVENTS),
                journal.enabled() ? ctx.snapshotIntervalEvents() : 0),
            aeron.addSubscription(config.get(Settings.ADMIN_CHANNEL), config.getInt(Settings.ADMIN_STREAM_ID)),
            sourceAllowList(config, counters),
            sessionGate);
    }

    /**
     * The rules in force must be in the journal: a fresh journal starts with them, and a start with other rules than
     * the recovered ones journals an update to them before any input.
     *
     * @return the start-up report's line on the rules.
     */
    private String journalRulesInForce(final RulesFile rulesFile)
    {
        final boolean rulesChanged = !rules.rulesText().equals(rulesFile.text());
        if (journal.enabled() && (journal.lastSequence() == 0 || rulesChanged))
        {
            ingressAgent.publishFirst(
                RulesUpdateFrames.encode(rulesFile.text(), journal.lastSequence() + 1, ctx.maxFrameLength()));
        }
        return rulesReport(rulesFile, rulesChanged);
    }

    private List<AgentRunner> newRunners(final List<Agent> transportAgents)
    {
        final EngineProfile profile = ctx.profile();
        final List<Agent> stages = List.of(
            ingressAgent, pipeline.journalAgent(), pipeline.rulesAgent(), pipeline.egressAgent());
        final List<AgentRunner> built = new ArrayList<>();
        if (profile == EngineProfile.SHARED)
        {
            final List<Agent> all = new ArrayList<>(transportAgents);
            all.addAll(stages);
            // A force waits for the disk: on a thread of its own, so that ingress, rules and egress (and the driver)
            // go on meanwhile and the next batch holds all that arrived during the wait.
            final boolean journalApart = ctx.journalOnItsOwnThread();
            if (journalApart)
            {
                all.remove(pipeline.journalAgent());
            }
            built.add(new AgentRunner(profile.idleStrategy(ctx.idleStrategy()), errors, null, new CompositeAgent(all)));
            if (journalApart)
            {
                built.add(new AgentRunner(
                    EngineProfile.forcingJournalIdleStrategy(), errors, null, pipeline.journalAgent()));
            }
        }
        else
        {
            for (final Agent stage : stages)
            {
                built.add(new AgentRunner(profile.idleStrategy(ctx.idleStrategy()), errors, null, stage));
            }
        }
        return built;
    }

    private void startRunners()
    {
        // The driver's threads, when it has its own, come first in cpu.affinity.
        final int firstStageCpu =
            ctx.profile() == EngineProfile.DEDICATED && ctx.embeddedDriver() ? DEDICATED_DRIVER_THREADS : 0;
        for (int i = 0; i < runners.size(); i++)
        {
            AgentRunner.startOnThread(runners.get(i), ctx.affinity().threadFactory(firstStageCpu + i, errors));
        }
    }

    /**
     * Start an engine.
     *
     * @param config       configuration.
     * @param errorHandler receives exceptions from the engine's threads, which keep running.
     * @return the running engine.
     * @throws ConfigException when the configuration cannot be honoured (e.g. a driver already active there).
     */
    public static VigilEngine launch(final VigilConfig config, final ErrorHandler errorHandler)
    {
        return launch(new Context().config(config).errorHandler(errorHandler));
    }

    /**
     * Start an engine, telling what a long recovery is doing as it goes.
     *
     * @param config           configuration.
     * @param errorHandler     receives exceptions from the engine's threads, which keep running.
     * @param recoveryProgress told, on the calling thread, about snapshot loading and journal replay.
     * @return the running engine.
     * @throws ConfigException when the configuration cannot be honoured (e.g. a driver already active there).
     */
    public static VigilEngine launch(
        final VigilConfig config, final ErrorHandler errorHandler, final RecoveryProgress recoveryProgress)
    {
        return launch(new Context().config(config).errorHandler(errorHandler).recoveryProgress(recoveryProgress));
    }

    /**
     * Start an engine from a context, which is concluded first.
     *
     * @param context what to start and how.
     * @return the running engine.
     * @throws ConfigException when the context cannot be honoured.
     */
    public static VigilEngine launch(final Context context)
    {
        return new VigilEngine(context.conclude());
    }

    /**
     * @return the configuration the engine runs with.
     */
    public VigilConfig config()
    {
        return ctx.config();
    }

    /**
     * @return the engine's counters.
     */
    public EngineCounters counters()
    {
        return counters;
    }

    /**
     * @return what start-up found in the journal and replayed, for the operator.
     */
    public String startupReport()
    {
        final String report = journal.describe() + System.lineSeparator() + rulesReport;
        return receiveBufferReport.isEmpty() ? report : report + System.lineSeparator() + receiveBufferReport;
    }

    /**
     * @return the Aeron directory clients connect through.
     */
    public String aeronDirectoryName()
    {
        return aeron.context().aeronDirectoryName();
    }

    /**
     * @return the loopback port metrics are served on, 0 when off.
     */
    public int metricsPort()
    {
        return metricsServer == null ? 0 : metricsServer.port();
    }

    /**
     * @return the live page's address, e.g. {@code http://127.0.0.1:8080/}, or null when it is off.
     */
    public String livePageAddress()
    {
        return livePage == null ? null : livePage.address();
    }

    /**
     * @return what the clean stop did: input drained, journal forced; empty before {@link #close()}.
     */
    public String stopReport()
    {
        return stopReport;
    }

    /**
     * @return snapshots written since start, and the longest stop of the rules stage for the last one.
     */
    public String snapshotReport()
    {
        return String.format(Locale.ROOT,
            "%d snapshot(s) written, the last stopped the rules stage %.3f ms at most (its point %.3f ms)",
            snapshots.taken(), snapshots.longestStopMicros() / 1e3, snapshots.lastDurationNs() / 1e6);
    }

    /**
     * Stop cleanly: take no more input, let every stage finish what the ring holds and egress send its replies
     * (bounded by {@code shutdown.timeout}), stop the threads, snapshot at the last input, close, and force the
     * journal to storage. Input not yet taken from Aeron stays unanswered and unjournaled: clients resend it.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        final boolean drained = drain(ctx.shutdownTimeoutNs());
        CloseHelper.quietCloseAll(livePage, metricsServer);
        for (final AgentRunner runner : runners)
        {
            CloseHelper.quietClose(runner);
        }
        // With the stages stopped the state is quiet. A stage that ran ahead of the journal stage (dedicated
        // threads, or the shared profile's journal thread), or stopped with windows of its last input still to fire,
        // is not snapshotted: recovery replays instead. However long the snapshot takes, the driver and the client
        // conductor stay serviced, so the client closes cleanly after it.
        final RecoveryTransportKeeper keeper = keepTransportServiced(errors);
        sessionGate.close();
        if (journal.enabled() && ctx.config().getBoolean(Settings.SNAPSHOT_ON_SHUTDOWN) &&
            rules.lastEngineSeq() > 0 && rules.lastEngineSeq() <= journal.lastSequence() &&
            !rules.windows().isFiring())
        {
            try
            {
                snapshots.takeFinalSnapshot(rules.lastEngineSeq(), rules);
            }
            catch (final RuntimeException ex)
            {
                // A failed snapshot loses nothing: the journal has every input.
                errors.onError(ex);
            }
        }
        else
        {
            snapshots.finishInProgress(rules);
        }
        snapshots.close();
        // The rules thread has stopped: the keyed state's files can be unmapped.
        CloseHelper.quietClose(rules.keyedState());
        CloseHelper.quietClose(keeper);
        final long lastSequence = journal.lastSequence();
        CloseHelper.quietCloseAll(replySink, counters, aeron, driver);
        int forced = 0;
        try
        {
            forced = journal.closeDurably();
        }
        catch (final RuntimeException ex)
        {
            errors.onError(ex);
        }
        stopReport = String.format(Locale.ROOT,
            "%s; journal forced to storage (%d segment file(s)) up to engine seq %d",
            drained ? "every input taken was decided and answered" :
            "stopped waiting for in-flight input after shutdown.timeout", forced, lastSequence);
        info.delete(dataDir);
        errors.close();
    }

    private boolean drain(final long timeoutNs)
    {
        ingressAgent.stopIntake();
        final long deadlineNs = System.nanoTime() + timeoutNs;
        long flushCheck = 0;
        while (flushCheck == 0 || !replySink.hasFlushed(flushCheck))
        {
            if (flushCheck == 0 && ingressAgent.isIntakeStopped() && pipeline.isDrained())
            {
                // Nothing more will be offered: egress checks the publications it owns, on its own thread.
                flushCheck = replySink.requestFlushCheck();
            }
            if (System.nanoTime() > deadlineNs)
            {
                return false;
            }
            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * A start that failed after threads started stops them first; then everything else opened goes, newest first.
     */
    private void closeStarted(final OpenedResources opened, final Throwable failure)
    {
        for (final AgentRunner runner : runners)
        {
            CloseHelper.quietClose(runner);
        }
        opened.closeAll(failure);
    }

    private static void createDataDir(final Path dataDir)
    {
        try
        {
            Files.createDirectories(dataDir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("data.dir=" + dataDir + ": cannot create it", ex);
        }
    }

    private static Aeron connectAeron(
        final String aeronDir, final long aeronTimeoutNs, final AgentInvoker driverInvoker,
        final ErrorHandler errorHandler)
    {
        final Aeron.Context aeronContext = new Aeron.Context()
            .aeronDirectoryName(aeronDir)
            .driverTimeoutMs(TimeUnit.NANOSECONDS.toMillis(aeronTimeoutNs))
            .errorHandler(errorHandler);
        if (driverInvoker != null)
        {
            // Driver on the engine thread: the client conductor runs there too, and drives the driver whenever it
            // waits for an answer from it.
            aeronContext.driverAgentInvoker(driverInvoker).useConductorAgentInvoker(true);
        }
        try
        {
            return Aeron.connect(aeronContext);
        }
        catch (final RuntimeException ex)
        {
            throw new ConfigException(
                "aeron.dir=" + aeronDir + ": no media driver reachable there (" + ex.getMessage() + ")");
        }
    }

    private String rulesReport(final RulesFile rulesFile, final boolean rulesChanged)
    {
        final long enabledRules = rulesFile.rules().stream().filter(RuleDefinition::enabled).count();
        return (journal.lastSequence() > 0 && rulesChanged ?
            "  rules changed: journaled an update to those of " : journal.lastSequence() > 0 ?
            "  rules as recovered, the same as " : "  rules from ") + rulesFile.source() + ": " + enabledRules +
            " rule(s) in force";
    }

    /**
     * @param errorHandler receives what the invokers throw.
     * @return a keeper servicing the invokers while this thread is busy, or null when the driver and client
     *         conductor have threads of their own.
     */
    private RecoveryTransportKeeper keepTransportServiced(final ErrorHandler errorHandler)
    {
        return transportDuty == NO_DUTY ? null : new RecoveryTransportKeeper(transportDuty, errorHandler);
    }

    private static SourceAllowList sourceAllowList(final VigilConfig config, final EngineCounters counters)
    {
        final AddressRanges ranges = AddressRanges.parse(config.get(Settings.INGRESS_ALLOWED_SOURCES));
        return ranges.isEmpty() ? null :
            new SourceAllowList(ranges, counters.get(EngineCounter.FRAMES_FROM_DISALLOWED_SOURCES));
    }

    /**
     * The engine's threads in the order {@code cpu.affinity} pins them.
     */
    static List<String> threadRoles(
        final EngineProfile profile, final boolean embeddedDriver, final boolean journalOnItsOwnThread)
    {
        if (profile == EngineProfile.SHARED)
        {
            return journalOnItsOwnThread ?
                List.of("engine (driver, ingress, rules, egress)",
                    "journal (forcing its writes; journal.thread=engine runs it on the engine thread)") :
                List.of("engine (driver, ingress, journal, rules, egress)");
        }
        final List<String> roles = new ArrayList<>();
        if (embeddedDriver)
        {
            roles.addAll(List.of("driver conductor", "driver sender", "driver receiver"));
        }
        roles.addAll(List.of("ingress", "journal", "rules", "egress"));
        return roles;
    }

    private static MediaDriver launchDriver(
        final Context ctx, final UdpReceiveBuffer receiveBuffer, final ErrorHandler errorHandler)
    {
        final String aeronDir = ctx.aeronDirectoryName();
        final long aeronTimeoutNs = ctx.aeronTimeoutNs();
        final EngineProfile profile = ctx.profile();
        final ThreadAffinity affinity = ctx.affinity();
        final MediaDriver.Context context = new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .clientLivenessTimeoutNs(aeronTimeoutNs)
            // Aeron requires it longer than the client liveness timeout; its defaults keep them 5 s apart.
            .publicationUnblockTimeoutNs(aeronTimeoutNs + TimeUnit.SECONDS.toNanos(5))
            .dirDeleteOnStart(false)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .socketRcvbufLength(receiveBuffer.granted())
            .errorHandler(errorHandler);
        profile.configureDriver(context, ctx.idleStrategy());
        if (profile == EngineProfile.DEDICATED)
        {
            context.conductorThreadFactory(affinity.threadFactory(0, errorHandler))
                .senderThreadFactory(affinity.threadFactory(1, errorHandler))
                .receiverThreadFactory(affinity.threadFactory(2, errorHandler));
        }
        try
        {
            return MediaDriver.launch(context);
        }
        catch (final ActiveDriverException ex)
        {
            throw new ConfigException("aeron.dir=" + aeronDir + ": a media driver is already active there " +
                "(another Vigil engine?); stop it, set driver.embedded=false to use it, or choose another aeron.dir");
        }
    }

    /**
     * What an engine starts with, in the manner of Aeron's {@code MediaDriver.Context}: set what differs from the
     * defaults, then {@link #conclude()} (which {@link #launch(Context)} calls) validates everything at once and works
     * out the values derived from the configuration, so the engine reads its settings in one place.
     */
    public static final class Context
    {
        private VigilConfig config;
        private ErrorHandler errorHandler;
        private RecoveryProgress recoveryProgress = RecoveryProgress.NONE;
        private NanoClock clock = SystemNanoClock.INSTANCE;
        private boolean concluded;
        private EngineProfile profile;
        private boolean journalOnItsOwnThread;
        private ThreadAffinity affinity;
        private Path dataDir;
        private String aeronDirectoryName;
        private String idleStrategy;
        private boolean embeddedDriver;
        private long aeronTimeoutNs;
        private int maxFrameLength;
        private int ringSize;
        private long snapshotIntervalEvents;
        private int metricsPort;
        private int httpPort;
        private long shutdownTimeoutNs;

        /**
         * Validate and derive; idempotent.
         *
         * @return this.
         * @throws ConfigException naming what is missing or cannot be honoured.
         */
        public Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            if (config == null)
            {
                throw new ConfigException("an engine needs a configuration");
            }
            if (errorHandler == null)
            {
                throw new ConfigException("an engine needs an error handler for its threads' errors");
            }
            profile = EngineProfile.valueOf(config.get(Settings.PROFILE).toUpperCase(Locale.ROOT));
            embeddedDriver = config.getBoolean(Settings.DRIVER_EMBEDDED);
            affinity = ThreadAffinity.parse(config.get(Settings.CPU_AFFINITY));
            journalOnItsOwnThread = profile == EngineProfile.SHARED && config.getBoolean(Settings.JOURNAL_ENABLED) &&
                !"none".equals(config.get(Settings.JOURNAL_DURABILITY)) &&
                "own".equals(config.get(Settings.JOURNAL_THREAD));
            affinity.checkCovers(threadRoles(profile, embeddedDriver, journalOnItsOwnThread));
            dataDir = Path.of(config.get(Settings.DATA_DIR));
            aeronDirectoryName = config.get(Settings.AERON_DIR);
            idleStrategy = config.get(Settings.IDLE_STRATEGY);
            aeronTimeoutNs = config.getDurationNs(Settings.AERON_TIMEOUT);
            maxFrameLength = config.getInt(Settings.FRAME_MAX_LENGTH);
            ringSize = config.getInt(Settings.RING_SIZE);
            snapshotIntervalEvents = config.getLong(Settings.SNAPSHOT_INTERVAL_EVENTS);
            metricsPort = config.getInt(Settings.METRICS_PORT);
            httpPort = config.getInt(Settings.HTTP_PORT);
            shutdownTimeoutNs = config.getDurationNs(Settings.SHUTDOWN_TIMEOUT);
            concluded = true;
            return this;
        }

        /**
         * @param config the settings; required.
         * @return this.
         */
        public Context config(final VigilConfig config)
        {
            this.config = config;
            return this;
        }

        /**
         * @return the settings.
         */
        public VigilConfig config()
        {
            return config;
        }

        /**
         * @param errorHandler receives exceptions from the engine's threads, which keep running; required.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        /**
         * @return receives exceptions from the engine's threads.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        /**
         * @param recoveryProgress told, on the starting thread, about snapshot loading and journal replay.
         * @return this.
         */
        public Context recoveryProgress(final RecoveryProgress recoveryProgress)
        {
            this.recoveryProgress = recoveryProgress;
            return this;
        }

        /**
         * @return told about snapshot loading and journal replay.
         */
        public RecoveryProgress recoveryProgress()
        {
            return recoveryProgress;
        }

        /**
         * @param clock stamps receive and stage times (latency only: rules read event time from the messages).
         * @return this.
         */
        public Context clock(final NanoClock clock)
        {
            this.clock = clock;
            return this;
        }

        /**
         * @return stamps receive and stage times.
         */
        public NanoClock clock()
        {
            return clock;
        }

        EngineProfile profile()
        {
            return profile;
        }

        /**
         * @return true when the shared profile runs the journal stage on a second thread: its durability forces.
         */
        boolean journalOnItsOwnThread()
        {
            return journalOnItsOwnThread;
        }

        ThreadAffinity affinity()
        {
            return affinity;
        }

        Path dataDir()
        {
            return dataDir;
        }

        String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }

        String idleStrategy()
        {
            return idleStrategy;
        }

        boolean embeddedDriver()
        {
            return embeddedDriver;
        }

        long aeronTimeoutNs()
        {
            return aeronTimeoutNs;
        }

        int maxFrameLength()
        {
            return maxFrameLength;
        }

        int ringSize()
        {
            return ringSize;
        }

        long snapshotIntervalEvents()
        {
            return snapshotIntervalEvents;
        }

        int metricsPort()
        {
            return metricsPort;
        }

        int httpPort()
        {
            return httpPort;
        }

        long shutdownTimeoutNs()
        {
            return shutdownTimeoutNs;
        }
    }
}
