package dev.vigil.app.live;

import dev.vigil.client.AlertSubscriber;
import dev.vigil.core.counters.EngineCounter;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;

/**
 * The page's one working thread: polls the engine's alert stream as an ordinary subscriber and, every
 * {@code tickMs}, samples the engine's counters and round trips, makes the JSON the endpoints serve
 * ({@link LiveSnapshot}) and hands one update to every viewer. Nothing here runs on, waits for or locks anything of
 * the engine's threads: counters are read with ordered loads, round trips through the recorder's own interval
 * swap, alerts from the stream's subscription.
 */
final class LiveFeed implements Agent
{
    /** Most fragments of the alert stream read in one duty cycle. */
    static final int FRAGMENT_LIMIT = 256;
    /** Most new alerts pushed to viewers in one update; all of them are in {@code /api/alerts}. */
    static final int MAX_ALERTS_PER_UPDATE = 100;

    private static final String DECISIONS = EngineCounter.Families.DECISIONS.name();
    private static final String REJECTS = EngineCounter.Families.REJECTS.name();

    private final AlertSubscriber subscriber;
    private final EpochClock clock;
    private final long tickMs;
    private final CounterReadings counters;
    private final RoundTripLatency latency;
    private final AlertFeed alerts;
    private final RulesView rules;
    private final EngineStatus status;
    private final Viewers viewers;
    private final History history;
    private final double[] previous = new double[History.COLUMNS.length];
    private final double[] row = new double[History.COLUMNS.length];
    private volatile LiveSnapshot snapshot = LiveSnapshot.EMPTY;
    private long nextTickMs;
    private long lastTickMs;
    private long updates;

    /**
     * @param subscriber the engine's alert stream, or null when it cannot be subscribed to.
     * @param clock      the time of each update.
     * @param tickMs     time between updates.
     * @param counters   the engine's counters.
     * @param latency    the engine's round trips.
     * @param alerts     what the alert stream brings.
     * @param rules      the rules in force.
     * @param status     the engine's state.
     * @param viewers    who gets each update.
     * @param history    the recent past.
     */
    LiveFeed(
        final AlertSubscriber subscriber,
        final EpochClock clock,
        final long tickMs,
        final CounterReadings counters,
        final RoundTripLatency latency,
        final AlertFeed alerts,
        final RulesView rules,
        final EngineStatus status,
        final Viewers viewers,
        final History history)
    {
        this.subscriber = subscriber;
        this.clock = clock;
        this.tickMs = tickMs;
        this.counters = counters;
        this.latency = latency;
        this.alerts = alerts;
        this.rules = rules;
        this.status = status;
        this.viewers = viewers;
        this.history = history;
    }

    @Override
    public int doWork()
    {
        // Names first, so that an alert of a rule an update just added is named (a volatile read when unchanged).
        if (rules.refresh())
        {
            alerts.names(rules.ruleNames(), rules.windowNames());
        }
        int work = subscriber == null ? 0 : subscriber.poll(alerts, FRAGMENT_LIMIT);
        final long nowMs = clock.time();
        if (nowMs >= nextTickMs)
        {
            // Set before the update: one that throws is tried again at the next tick, not on every duty cycle.
            nextTickMs = nowMs + tickMs;
            update(nowMs);
            work++;
        }
        return work;
    }

    @Override
    public String roleName()
    {
        return "vigil-live";
    }

    @Override
    public void onClose()
    {
        CloseHelper.quietClose(subscriber);
    }

    /**
     * @return what the endpoints serve now.
     */
    LiveSnapshot snapshot()
    {
        return snapshot;
    }

    /**
     * @return updates made since start.
     */
    long updates()
    {
        return updates;
    }

    /**
     * Sample, make the endpoints' JSON and push one update to every viewer.
     *
     * @param nowMs the time now, epoch ms.
     */
    void update(final long nowMs)
    {
        latency.takeInterval();
        final boolean sampled = sample(nowMs);
        updates++;

        final JsonText historyJson = new JsonText(16 * 1024).beginObject().field("intervalMs", tickMs).name("rows");
        history.writeColumns(historyJson);
        historyJson.endObject();
        final JsonText histogramJson = new JsonText();
        latency.writeDistribution(histogramJson);
        final JsonText windowsJson = new JsonText();
        alerts.writeWindows(windowsJson);
        final JsonText rulesJson = new JsonText(4096);
        rules.writeJson(rulesJson);
        final JsonText engineJson = new JsonText(4096);
        status.writeJson(engineJson, nowMs, alerts, viewers,
            subscriber == null ? "none" : subscriber.isConnected() ? "connected" : "not connected");
        final JsonText countersJson = new JsonText(8192);
        counters.writeJson(countersJson);
        snapshot = new LiveSnapshot(historyJson.toString(), histogramJson.toString(), alerts.recent(),
            windowsJson.toString(), rulesJson.toString(), engineJson.toString(), countersJson.toString());

        final JsonText update = new JsonText(16 * 1024).beginObject().field("intervalMs", tickMs).name("sample");
        if (sampled)
        {
            history.writeLatest(update);
        }
        else
        {
            update.beginObject().endObject();
        }
        update.name("alerts").beginArray();
        for (final AlertFeed.Entry entry : alerts.takeArrived())
        {
            update.raw(entry.json());
        }
        update.endArray()
            .name("histogram").raw(snapshot.histogram())
            .name("windows").raw(snapshot.windows())
            .name("rules").raw(snapshot.rules())
            .name("engine").raw(snapshot.engine())
            .endObject();
        viewers.broadcast("event: update\ndata: " + update + "\n\n");
    }

    /**
     * Rates since the previous update from the counters' growth, and the interval's round-trip percentiles.
     *
     * @return true when a row was added to the history (every update but the first).
     */
    private boolean sample(final long nowMs)
    {
        row[0] = nowMs / 1000.0;
        row[1] = counters.value(EngineCounter.FRAMES_RECEIVED.label());
        row[2] = counters.sum(DECISIONS);
        row[3] = counters.sum(REJECTS);
        row[4] = counters.member(DECISIONS, "approve");
        row[5] = counters.member(DECISIONS, "review");
        row[6] = counters.member(DECISIONS, "decline");
        row[7] = counters.value(EngineCounter.ALERTS_RAISED.label());
        final boolean first = updates == 0;
        final double elapsedS = (nowMs - lastTickMs) / 1000.0;
        final double[] latest = row.clone();
        for (int c = 1; c <= 7; c++)
        {
            row[c] = first || elapsedS <= 0 ? 0 : Math.max(0, row[c] - previous[c]) / elapsedS;
        }
        System.arraycopy(latest, 0, previous, 0, previous.length);
        row[8] = latency.intervalCount();
        final double[] percentiles = latency.intervalValuesUs();
        System.arraycopy(percentiles, 0, row, 9, percentiles.length);
        final double[] stages = latency.stageValuesUs();
        System.arraycopy(stages, 0, row, 9 + percentiles.length, stages.length);
        lastTickMs = nowMs;
        if (!first && elapsedS > 0)
        {
            history.add(row);
            return true;
        }
        return false;
    }
}
