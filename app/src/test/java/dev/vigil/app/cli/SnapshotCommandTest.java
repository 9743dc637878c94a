package dev.vigil.app.cli;

import dev.vigil.app.EngineHarness;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.PaymentChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class SnapshotCommandTest extends CommandLineTest
{
    @TempDir
    Path dataDir;

    @Test
    void snapshotsARunningEngineOnDemandOverItsAdminChannel()
    {
        try (EngineHarness harness = EngineHarness.start(
            dataDir, "snapshot.interval.events=0", "snapshot.on.shutdown=false");
            VigilClient client = harness.connect(3))
        {
            final Set<Long> decided = new HashSet<>();
            final ReplyListener listener = decision -> decided.add(decision.clientSeq());
            for (int i = 1; i <= 100; i++)
            {
                while (client.sendTransaction(i, i, 1 + i % 7, 2, 3, 100, "EUR", "DE", PaymentChannel.POS) < 0)
                {
                    Thread.yield();
                }
            }
            assertTrue(EngineHarness.await(() -> decided.size() == 100, () -> client.poll(listener, 100), 10_000));

            assertEquals(0, VigilMain.execute("snapshot", "--data-dir", dataDir.toString(),
                "--set", "aeron.dir=" + harness.engine().aeronDirectoryName()), errors());
            final long seq = EngineHarness.DEFAULT_RULES_RECORDS + 100;
            assertTrue(output().contains(String.format("snapshot-%020d.snap at engine seq %d", seq, seq)), output());
        }
    }

    @Test
    void saysSoWhenNoEngineIsRunning()
    {
        assertEquals(1, VigilMain.execute("snapshot", "--data-dir", dataDir.toString(),
            "--set", "aeron.dir=" + dataDir.resolve("no-driver-here"), "--timeout", "1s"));
        assertTrue(errors().contains("no engine running"), errors());
    }
}
