package dev.vigil.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class KafkaCommandTest extends CommandLineTest
{
    @TempDir
    Path dataDir;

    @Test
    void everyKafkaCommandHasHelp()
    {
        for (final String command : new String[]{"kafka", "kafka source", "kafka sink", "kafka demo"})
        {
            out.reset();
            assertEquals(0, VigilMain.execute((command + " --help").split(" ")), command);
            assertTrue(output().contains("Usage: vigil " + command), command + ": " + output());
        }
        assertEquals(2, VigilMain.execute("kafka"));
    }

    @Test
    void badUsageExitsTwoNamingTheOption()
    {
        assertEquals(2, VigilMain.execute("kafka", "source", "--bootstrap", "127.0.0.1:1"));
        assertTrue(errors().contains("--topic"), errors());

        assertBadUsage("--format 'xml'; allowed: json, sbe",
            "kafka", "source", "--bootstrap", "127.0.0.1:1", "--topic", "t", "--format", "xml");
        assertBadUsage("--window 8192: allowed: 1 to dedup.window (4096)",
            "kafka", "source", "--bootstrap", "127.0.0.1:1", "--topic", "t", "--window", "8192");
        assertBadUsage("--max-rate -5: allowed: 0 (no bound) or more records a second",
            "kafka", "source", "--bootstrap", "127.0.0.1:1", "--topic", "t", "--max-rate", "-5");
        assertBadUsage("--client-id-base 0: allowed",
            "kafka", "source", "--bootstrap", "127.0.0.1:1", "--topic", "t", "--client-id-base", "0");
        assertBadUsage("--from river: allowed: journal, stream",
            "kafka", "sink", "--bootstrap", "127.0.0.1:1", "--alerts-topic", "a", "--from", "river");
        assertBadUsage("no journal at",
            "kafka", "sink", "--bootstrap", "127.0.0.1:1", "--alerts-topic", "a", "--data-dir", dataDir.toString());
        assertBadUsage("--kafka-property acks: allowed: KEY=VALUE",
            "kafka", "sink", "--bootstrap", "127.0.0.1:1", "--alerts-topic", "a", "-K", "acks", "--from", "stream");
    }

    @Test
    void demoDecidesEveryEventOnceAndWritesEveryOutputOnce()
    {
        final int exit = VigilMain.execute("kafka", "demo", SMALL_STATE, "--events", "1000", "--show", "2");

        assertEquals(0, exit, output() + errors());
        final String report = output();
        assertTrue(report.contains("decided   1,000 of 1,000 events, once each (1,000 decisions"), report);
        assertTrue(report.contains("dead      {INVALID_EVENT=1, UNPARSEABLE=1}"), report);
        assertTrue(report.contains("{\"type\":\"alert\",\"engineSeq\":"), report);
        // Each partition's first event is decided before either runs ahead: no partition's events come in late.
        assertTrue(report.contains(", 0 late events on vigil-demo-late"), report);
        assertTrue(report.contains("vigil kafka demo: lost 0, duplicated 0"), report);
    }

    private void assertBadUsage(final String message, final String... args)
    {
        err.reset();
        assertEquals(2, VigilMain.execute(args), String.join(" ", args) + ": " + errors());
        assertTrue(errors().contains(message), errors());
    }
}
