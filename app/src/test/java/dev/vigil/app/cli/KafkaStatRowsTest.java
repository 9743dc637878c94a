package dev.vigil.app.cli;

import dev.vigil.app.EngineHarness;
import dev.vigil.app.kafka.KafkaCounters;
import dev.vigil.app.kafka.KafkaStatCounters;
import dev.vigil.app.kafka.ReconnectingAeron;
import io.aeron.Aeron;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Kafka connector's counters are rows of {@code vigil stat}, beside the engine's: copied into the engine's counters
 * file by the connector's own Aeron client; the journal-fed sink connects one for them while an engine runs.
 */
@Timeout(120)
class KafkaStatRowsTest extends CommandLineTest
{
    @TempDir
    Path dataDir;

    @Test
    void theSourcesCountersAreRowsOfVigilStat()
    {
        try (EngineHarness harness = EngineHarness.start(dataDir);
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.engine().aeronDirectoryName())))
        {
            final KafkaCounters counters = new KafkaCounters(KafkaCounters.Role.SOURCE);
            final KafkaStatCounters mirror = new KafkaStatCounters(counters, "kafka source payments");
            counters.add(KafkaCounters.Counter.SOURCE_RECORDS_IN, 41);
            counters.add(KafkaCounters.Counter.SOURCE_DECIDED, 40);
            mirror.update(aeron);
            assertEquals(0, VigilMain.execute("stat", "--once", "--data-dir", dataDir.toString()), errors());
            assertStatLine(output(), "kafka source payments records in", 41);
            assertStatLine(output(), "kafka source payments decided", 40);
            assertTrue(output().contains("events evaluated"), "beside the engine's rows: " + output());

            out.reset();
            counters.increment(KafkaCounters.Counter.SOURCE_DECIDED);
            mirror.update(aeron);
            assertEquals(0, VigilMain.execute("stat", "--once", "--data-dir", dataDir.toString()), errors());
            assertStatLine(output(), "kafka source payments decided", 41);

            mirror.close();
        }
    }

    @Test
    void theJournalFedSinksRowsComeWithARunningEngineAndBackAfterItsRestart()
    {
        final String aeronDir = "/dev/shm/vigil-test-" + UUID.randomUUID();
        final KafkaCounters counters = new KafkaCounters(KafkaCounters.Role.SINK);
        counters.add(KafkaCounters.Counter.SINK_OUTPUTS_OUT, 12);
        try (ReconnectingAeron aeron = new ReconnectingAeron(1_000, System.err);
            KafkaStatCounters rows = new KafkaStatCounters(counters, "kafka sink alerts"))
        {
            // No engine: nothing to connect to, and no wait for one.
            assertNull(aeron.clientIfDriverRuns(aeronDir, System.nanoTime()));

            final Aeron first;
            try (EngineHarness harness = EngineHarness.start(dataDir, "aeron.dir=" + aeronDir))
            {
                first = awaitClient(aeron, aeronDir, null);
                rows.update(first);
                assertEquals(0, VigilMain.execute("stat", "--once", "--data-dir", dataDir.toString()), errors());
                assertStatLine(output(), "kafka sink alerts outputs out", 12);
            }

            // The engine restarted under the sink: a new driver in the same directory, and the rows on it.
            try (EngineHarness harness = EngineHarness.start(dataDir, "aeron.dir=" + aeronDir))
            {
                final Aeron second = awaitClient(aeron, aeronDir, first);
                counters.increment(KafkaCounters.Counter.SINK_OUTPUTS_OUT);
                rows.update(second);
                out.reset();
                assertEquals(0, VigilMain.execute("stat", "--once", "--data-dir", dataDir.toString()), errors());
                assertStatLine(output(), "kafka sink alerts outputs out", 13);
            }
        }
    }

    /**
     * Look for the engine's driver as the sink does, every duty cycle, until it gives a client other than the last.
     */
    private static Aeron awaitClient(final ReconnectingAeron aeron, final String aeronDir, final Aeron last)
    {
        final Aeron[] client = {null};
        assertTrue(EngineHarness.await(() -> client[0] != null && client[0] != last,
            () -> client[0] = aeron.clientIfDriverRuns(aeronDir, System.nanoTime()), 30_000), "connected to " +
            aeronDir);
        return client[0];
    }

    private static void assertStatLine(final String stat, final String label, final long value)
    {
        final Matcher line = Pattern.compile("^  " + Pattern.quote(label) + " +([0-9,]+)", Pattern.MULTILINE)
            .matcher(stat);
        assertTrue(line.find(), label + " missing in\n" + stat);
        assertEquals(value, Long.parseLong(line.group(1).replace(",", "")), label);
    }
}
