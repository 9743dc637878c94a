package dev.vigil.app.kafka;

import dev.vigil.app.config.VigilConfig;
import io.aeron.Aeron;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * The feeds a Kafka sink can take the engine's outputs from.
 */
public final class SinkFeeds
{
    private SinkFeeds()
    {
    }

    /**
     * @param config     the engine's configuration: its state-shaping settings ({@code rules.*}, {@code time.*},
     *                   {@code dedup.window}) must be the engine's.
     * @param journalDir the engine's journal.
     * @return every output the engine made or will make, rebuilt from its journal.
     */
    public static SinkFeed journal(final VigilConfig config, final Path journalDir)
    {
        return new JournalFeed(config, journalDir);
    }

    /**
     * @param aeron    gives the Aeron client to subscribe with, e.g. {@link ReconnectingAeron#client}.
     * @param channels one subscription channel per engine (per cluster member).
     * @param streamId the alert stream id.
     * @return what the live alert stream publishes while the sink listens.
     */
    public static SinkFeed alertStream(final Supplier<Aeron> aeron, final List<String> channels, final int streamId)
    {
        return new AlertStreamFeed(aeron, channels, streamId);
    }
}
