package dev.vigil.app.cli;

import dev.vigil.app.EngineHarness;
import dev.vigil.app.kafka.KafkaCounters;
import dev.vigil.app.kafka.KafkaStatCounters;
import io.aeron.Aeron;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Kafka connector's counters are rows of {@code vigil stat}, beside the engine's: copied into the engine's counters
 * file by the connector's own Aeron client.
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

    private static void assertStatLine(final String stat, final String label, final long value)
    {
        final Matcher line = Pattern.compile("^  " + Pattern.quote(label) + " +([0-9,]+)", Pattern.MULTILINE)
            .matcher(stat);
        assertTrue(line.find(), label + " missing in\n" + stat);
        assertEquals(value, Long.parseLong(line.group(1).replace(",", "")), label);
    }
}
