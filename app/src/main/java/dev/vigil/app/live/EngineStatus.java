package dev.vigil.app.live;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.WindowCounter;

/**
 * The engine's state as the page shows it, from what the engine already exports: its counters (watermark, late
 * events, journal, snapshots, ring, errors), its error log, and the configuration it runs with.
 */
final class EngineStatus
{
    private final VigilConfig config;
    private final CounterReadings counters;
    private final ErrorLogView errorLog;
    private final long pid = ProcessHandle.current().pid();
    private final long startMs = ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli()).orElse(-1L);

    /**
     * @param config   the engine's configuration.
     * @param counters the engine's counters.
     * @param errorLog the engine's error log.
     */
    EngineStatus(final VigilConfig config, final CounterReadings counters, final ErrorLogView errorLog)
    {
        this.config = config;
        this.counters = counters;
        this.errorLog = errorLog;
    }

    /**
     * @param json    where the state goes, as one object.
     * @param nowMs   the time now, epoch ms.
     * @param alerts  what the alert stream brought.
     * @param viewers the page's viewers.
     * @param stream  the alert stream's state for this page: {@code connected}, {@code not connected} or
     *                {@code none} (a channel the page cannot join).
     */
    void writeJson(
        final JsonText json, final long nowMs, final AlertFeed alerts, final Viewers viewers, final String stream)
    {
        json.beginObject()
            .field("timeMs", nowMs)
            .field("pid", pid)
            .field("startMs", startMs)
            .field("profile", config.get(Settings.PROFILE))
            .field("dataDir", config.get(Settings.DATA_DIR))
            .field("aeronDir", config.get(Settings.AERON_DIR))
            .field("ingress", config.get(Settings.INGRESS_CHANNEL))
            .field("alertsChannel", config.get(Settings.ALERTS_CHANNEL));
        json.name("events").beginObject()
            .field("framesReceived", value(EngineCounter.FRAMES_RECEIVED))
            .field("evaluated", value(EngineCounter.EVENTS_EVALUATED))
            .field("decided", counters.sum(EngineCounter.Families.DECISIONS.name()))
            .field("rejected", counters.sum(EngineCounter.Families.REJECTS.name()))
            .field("alertsRaised", value(EngineCounter.ALERTS_RAISED))
            .field("repliesNotDelivered", value(EngineCounter.REPLIES_NOT_DELIVERED))
            .field("retriesAnswered", value(EngineCounter.RETRIES_ANSWERED))
            .field("ringOccupancy", value(EngineCounter.RING_OCCUPANCY))
            .field("ringHighWaterMark", value(EngineCounter.RING_HIGH_WATER_MARK))
            .endObject();
        json.name("time").beginObject()
            .field("watermarkNs", counters.value(WindowCounter.WATERMARK.label()))
            .field("lateEvents", counters.value(WindowCounter.LATE_EVENTS.label()))
            .field("lateEventsReceived", alerts.lateEvents())
            .field("windowResults", counters.value(WindowCounter.RESULTS.label()))
            .field("windowResultsDropped", counters.value(WindowCounter.RESULTS_DROPPED.label()))
            .field("windowStateFull", counters.value(WindowCounter.STATE_FULL.label()))
            .endObject();
        json.name("journal").beginObject()
            .field("enabled", config.getBoolean(Settings.JOURNAL_ENABLED))
            .field("durability", config.get(Settings.JOURNAL_DURABILITY))
            .field("bytes", value(EngineCounter.JOURNAL_BYTES))
            .field("fsyncs", value(EngineCounter.JOURNAL_FSYNCS))
            .field("lagRecords", value(EngineCounter.JOURNAL_LAG))
            .field("refused", value(EngineCounter.JOURNAL_REFUSED))
            .endObject();
        json.name("snapshots").beginObject()
            .field("intervalEvents", config.getLong(Settings.SNAPSHOT_INTERVAL_EVENTS))
            .field("taken", value(EngineCounter.SNAPSHOTS_TAKEN))
            .field("failed", value(EngineCounter.SNAPSHOTS_FAILED))
            .field("deferred", value(EngineCounter.SNAPSHOTS_DEFERRED))
            .field("lastBytes", value(EngineCounter.SNAPSHOT_BYTES))
            .field("lastDurationMs", value(EngineCounter.SNAPSHOT_DURATION_MILLIS))
            .field("lastPauseUs", value(EngineCounter.SNAPSHOT_PAUSE_MICROS))
            .endObject();
        json.name("errors").beginObject()
            .field("count", value(EngineCounter.ERRORS))
            .field("ruleErrors", value(EngineCounter.RULE_ERRORS));
        json.name("log");
        errorLog.writeJson(json);
        json.endObject();
        json.name("page").beginObject()
            .field("viewers", viewers.count())
            .field("updatesDropped", viewers.droppedTotal())
            .field("alertStream", stream)
            .field("alertsReceived", alerts.alerts())
            .name("perViewer");
        viewers.writeJson(json);
        json.endObject();
        json.endObject();
    }

    private long value(final EngineCounter counter)
    {
        return counters.value(counter.label());
    }
}
