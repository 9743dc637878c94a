package dev.vigil.app.cli;

import dev.vigil.journal.JournalCorruptionException;
import dev.vigil.journal.JournalRecovery;
import dev.vigil.journal.RecoveryReport;
import dev.vigil.journal.SnapshotStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code vigil journal verify}: checks every segment header, record checksum and sequence, changing nothing.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
        "Check the journal without changing it: segment headers, every record's CRC32C, sequence continuity",
        "across segments; and every snapshot's checksum and header. Exit 0 when everything is intact, 1 when",
        "anything is wrong (says what and where)."})
final class JournalVerifyCommand implements Callable<Integer>
{
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "vigil-data",
        description = "data directory holding journal/ (default: ${DEFAULT-VALUE})")
    private Path dataDir;

    @Override
    public Integer call()
    {
        final PrintStream out = System.out;
        final Path journalDir = OptionValues.existingJournal("--data-dir", dataDir);
        try
        {
            final RecoveryReport report = JournalRecovery.verify(journalDir, false);
            out.printf(Locale.ROOT, "journal %s: %d segment(s), %d record(s), engine seq %d to %d%n",
                journalDir, report.segmentsScanned(), report.recordCount(), report.firstSequence(),
                report.lastSequence());
            if (report.truncated())
            {
                out.printf(Locale.ROOT, "PROBLEM: %s%n  %d byte(s) at %s offset %d would be cut on the next start " +
                    "(records from engine seq %d)%n", report.problem(), report.truncatedBytes(),
                    report.truncatedFile(), report.truncatedOffset(), report.truncatedSequence());
                return VigilMain.EXIT_PROBLEM;
            }
            if (!verifySnapshots(out, dataDir.resolve("snapshots"), report.lastSequence()))
            {
                return VigilMain.EXIT_PROBLEM;
            }
            out.println("OK: every record intact and in sequence");
            return VigilMain.EXIT_OK;
        }
        catch (final JournalCorruptionException ex)
        {
            out.println("PROBLEM: " + ex.getMessage());
            return VigilMain.EXIT_PROBLEM;
        }
    }

    /**
     * Every snapshot must be whole (checksum, header) and not ahead of the journal; the state inside is not
     * interpreted here, which needs the rule settings it was taken under.
     */
    private static boolean verifySnapshots(final PrintStream out, final Path directory, final long lastSequence)
    {
        final SnapshotStore store = new SnapshotStore(directory, Integer.MAX_VALUE);
        boolean intact = true;
        for (final Path snapshot : store.newestFirst())
        {
            final String problem = store.check(snapshot);
            final long seq = SnapshotStore.sequenceOf(snapshot);
            if (problem != null)
            {
                out.println("PROBLEM: snapshot " + snapshot + ": " + problem);
                intact = false;
            }
            else if (seq > lastSequence)
            {
                out.println("PROBLEM: snapshot " + snapshot + " is ahead of the journal, which ends at engine seq " +
                    lastSequence);
                intact = false;
            }
            else
            {
                out.println("snapshot " + snapshot.getFileName() + " at engine seq " + seq + ": intact");
            }
        }
        return intact;
    }
}
