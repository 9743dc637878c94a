package dev.vigil.app.kafka;

import dev.vigil.core.counters.EngineCounters;
import io.aeron.Aeron;
import io.aeron.Counter;
import io.aeron.exceptions.AeronException;
import org.agrona.CloseHelper;

import java.util.List;

/**
 * A connector's counters copied into the engine's counters file, as counters of its own Aeron client, so that
 * {@code vigil stat} shows them as rows beside the engine's ({@code kafka source TOPIC records in}, ...). They
 * come and go with the connector (Aeron removes a client's counters when it closes) and are made again on the new
 * client after an engine restart.
 */
public final class KafkaStatCounters implements AutoCloseable
{
    private final KafkaCounters counters;
    private final String labelPrefix;
    private final List<KafkaCounters.Counter> mirrored;
    private Aeron client;
    private Counter[] mirrors;

    /**
     * @param counters the connector's counters.
     * @param name     what names the connector in the rows, e.g. {@code kafka source payments}.
     */
    public KafkaStatCounters(final KafkaCounters counters, final String name)
    {
        this.counters = counters;
        this.labelPrefix = EngineCounters.LABEL_PREFIX + name + " ";
        this.mirrored = counters.counters();
    }

    /**
     * Copy the values into the engine's counters file through this client, making the counters on it first when it
     * is new; a client that fails leaves the rows to the next call.
     *
     * @param aeron the connector's client of the engine's media driver, null while it has none.
     */
    public void update(final Aeron aeron)
    {
        if (aeron == null)
        {
            closeMirrors();
            return;
        }
        try
        {
            if (aeron != client || mirrors == null)
            {
                closeMirrors();
                client = aeron;
                mirrors = new Counter[mirrored.size()];
                for (int i = 0; i < mirrors.length; i++)
                {
                    mirrors[i] = aeron.addCounter(
                        EngineCounters.VIGIL_COUNTER_TYPE_ID, labelPrefix + mirrored.get(i).label());
                }
            }
            for (int i = 0; i < mirrors.length; i++)
            {
                mirrors[i].setOrdered(counters.get(mirrored.get(i)));
            }
        }
        catch (final AeronException | IllegalStateException ex)
        {
            // The engine went away: its counters file goes with it; the next client gets new rows.
            closeMirrors();
        }
    }

    @Override
    public void close()
    {
        closeMirrors();
    }

    private void closeMirrors()
    {
        if (mirrors != null)
        {
            for (final Counter mirror : mirrors)
            {
                CloseHelper.quietClose(mirror);
            }
        }
        mirrors = null;
        client = null;
    }
}
