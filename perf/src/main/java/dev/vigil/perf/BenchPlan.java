package dev.vigil.perf;

import java.nio.file.Path;
import java.util.List;

/**
 * What a bench run measures and how: durations, clients, traffic, profile, engine settings, where files go.
 */
final class BenchPlan
{
    final long warmupNs;
    final long durationNs;
    final int clients;
    final TrafficMix mix;
    final boolean dedicated;
    final List<String> engineSettings;
    final long hiccupThresholdNs;
    final Path outDir;

    /**
     * @param warmupNs          sending before measurement, per run.
     * @param durationNs        measured sending, per run.
     * @param clients           engine clients, each its own session.
     * @param mix               what each request is.
     * @param dedicated         true for the dedicated-cores profile, false for the shared one.
     * @param engineSettings    engine setting overrides, {@code name=value}, the profile's included.
     * @param hiccupThresholdNs latency above which a request counts as stalled.
     * @param outDir            where files go.
     */
    BenchPlan(
        final long warmupNs,
        final long durationNs,
        final int clients,
        final TrafficMix mix,
        final boolean dedicated,
        final List<String> engineSettings,
        final long hiccupThresholdNs,
        final Path outDir)
    {
        this.warmupNs = warmupNs;
        this.durationNs = durationNs;
        this.clients = clients;
        this.mix = mix;
        this.dedicated = dedicated;
        this.engineSettings = List.copyOf(engineSettings);
        this.hiccupThresholdNs = hiccupThresholdNs;
        this.outDir = outDir;
    }
}
