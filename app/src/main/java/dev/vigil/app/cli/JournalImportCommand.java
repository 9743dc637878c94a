package dev.vigil.app.cli;

import dev.vigil.app.audit.CsvEventFile;
import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.PathChecks;
import dev.vigil.journal.Durability;
import dev.vigil.journal.JournalContext;
import dev.vigil.journal.JournalWriter;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code vigil journal import}: builds a journal from an events CSV file, for backtests.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
        "Build a journal in DIR/journal from an events CSV file, one record per line in file order, as one client",
        "would have sent them. Columns (first line, any order): event_time, type (transaction|order|heartbeat),",
        "account, card, merchant, amount (minor units), currency, country, channel, instrument, side, order_type,",
        "price, quantity. Then replay, whatif or run an engine on it. DIR must not hold a journal yet."})
final class JournalImportCommand implements Callable<Integer>
{
    @Option(names = "--csv", paramLabel = "FILE", required = true, description = "the events CSV file")
    private Path csv;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "vigil-data",
        description = "data directory to create the journal in (default: ${DEFAULT-VALUE})")
    private Path dataDir;

    @Option(names = "--client-id", defaultValue = "1", description = "client id of the imported input (default: 1)")
    private long clientId;

    @Override
    public Integer call()
    {
        PathChecks.readableFile("--csv " + csv, csv);
        PathChecks.writableDirectory("--data-dir " + dataDir, dataDir);
        final Path journalDir = dataDir.resolve("journal");
        if (Files.exists(journalDir) && !Files.isDirectory(journalDir))
        {
            throw new ConfigException("--data-dir " + dataDir + ": " + journalDir + " is a file, not a directory");
        }
        final boolean created = !Files.exists(journalDir);
        try
        {
            return importFile(journalDir);
        }
        catch (final RuntimeException ex)
        {
            if (created)
            {
                // A failed import leaves nothing behind: a partial journal would look like a real one.
                IoUtil.delete(journalDir.toFile(), true);
            }
            throw ex;
        }
    }

    private int importFile(final Path journalDir)
    {
        try (CsvEventFile events = CsvEventFile.open(csv);
            JournalWriter writer = JournalWriter.open(
                new JournalContext().directory(journalDir).durability(Durability.NONE)))
        {
            if (writer.lastSequence() != 0)
            {
                throw new ConfigException("--data-dir " + dataDir + ": already holds a journal (up to engine seq " +
                    writer.lastSequence() + "); import needs a directory without one");
            }
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
            final long startNs = System.nanoTime();
            final ProgressLine progress = new ProgressLine("imported", 0);
            long seq = 0;
            while (events.next())
            {
                final int length = events.encode(clientId, seq + 1, frame);
                if (writer.append(seq + 1, events.eventTimeNs(), frame, 0, length) < 0)
                {
                    throw new IllegalStateException("journal refused line " + events.lineNumber());
                }
                seq++;
                if ((seq & 4095) == 0)
                {
                    writer.endOfBatch();
                    writer.doDutyCycle();
                    progress.accept(seq);
                }
            }
            writer.endOfBatch();
            progress.finish();
            System.out.printf(Locale.ROOT, "imported %,d record(s) from %s into %s in %.1f ms%n",
                seq, csv, journalDir, (System.nanoTime() - startNs) / 1e6);
        }
        return VigilMain.EXIT_OK;
    }
}
