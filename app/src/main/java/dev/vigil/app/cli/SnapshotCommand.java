package dev.vigil.app.cli;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.SnapshotRequestEncoder;
import dev.vigil.journal.JournalReader;
import dev.vigil.journal.SnapshotStore;
import io.aeron.Aeron;
import io.aeron.Publication;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code vigil snapshot}: asks a running engine, over its local admin channel, to snapshot its state now.
 */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = {
        "Ask the engine running with this configuration (aeron.dir, data.dir) to snapshot its state now, and wait",
        "until the snapshot covering every input journaled so far is written. Exit 0 when it is, 1 when no engine",
        "answers in time."})
final class SnapshotCommand implements Callable<Integer>
{
    @Mixin
    private EngineOptions options;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
        description = "how long to wait for the engine (default: ${DEFAULT-VALUE})")
    private String timeout;

    @Override
    public Integer call() throws InterruptedException
    {
        final VigilConfig config = options.toConfig();
        final long timeoutNs = OptionValues.durationNs("--timeout", timeout);
        final Path dataDir = Path.of(config.get(Settings.DATA_DIR));
        final SnapshotStore store = new SnapshotStore(dataDir.resolve("snapshots"), Integer.MAX_VALUE);
        final PrintStream out = System.out;
        final String aeronDir = config.get(Settings.AERON_DIR);
        if (!Files.isDirectory(Path.of(aeronDir)))
        {
            System.err.println("vigil snapshot: no engine running: no media driver at aeron.dir=" + aeronDir);
            return VigilMain.EXIT_PROBLEM;
        }

        final long deadlineNs = System.nanoTime() + timeoutNs;
        try (Aeron aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(aeronDir)
                .driverTimeoutMs(Math.max(1000, timeoutNs / 1_000_000)));
            Publication publication =
                aeron.addPublication(config.get(Settings.ADMIN_CHANNEL), config.getInt(Settings.ADMIN_STREAM_ID)))
        {
            final long journaled = lastJournaledSequence(dataDir.resolve("journal"));
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
            final SnapshotRequestEncoder request = new SnapshotRequestEncoder()
                .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                .requestId(System.nanoTime());
            final int length = MessageHeaderEncoder.ENCODED_LENGTH + request.encodedLength();
            while (publication.offer(buffer, 0, length) < 0)
            {
                if (System.nanoTime() > deadlineNs)
                {
                    System.err.println("vigil snapshot: no engine listening on " +
                        config.get(Settings.ADMIN_CHANNEL) + " stream " + config.get(Settings.ADMIN_STREAM_ID));
                    return VigilMain.EXIT_PROBLEM;
                }
                Thread.sleep(1);
            }

            while (System.nanoTime() < deadlineNs)
            {
                final List<Path> snapshots = store.newestFirst();
                if (!snapshots.isEmpty() && SnapshotStore.sequenceOf(snapshots.get(0)) >= journaled)
                {
                    out.println("snapshot " + snapshots.get(0) + " at engine seq " +
                        SnapshotStore.sequenceOf(snapshots.get(0)));
                    return VigilMain.EXIT_OK;
                }
                Thread.sleep(5);
            }
            System.err.println("vigil snapshot: the engine wrote no snapshot up to engine seq " + journaled +
                " within " + timeout + " (is its journal enabled?)");
            return VigilMain.EXIT_PROBLEM;
        }
        catch (final RuntimeException ex)
        {
            System.err.println("vigil snapshot: no engine running at aeron.dir=" + aeronDir + " (" + ex.getMessage() +
                ")");
            return VigilMain.EXIT_PROBLEM;
        }
    }

    private static long lastJournaledSequence(final Path journalDir)
    {
        if (!Files.isDirectory(journalDir))
        {
            return 0;
        }
        try (JournalReader reader = JournalReader.open(journalDir, 1))
        {
            while (reader.poll((seq, time, buffer, offset, length) -> { }, 4096) > 0)
            {
                // read to the end
            }
            return reader.lastSequence();
        }
    }
}
