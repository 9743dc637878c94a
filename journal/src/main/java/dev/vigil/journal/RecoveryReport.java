package dev.vigil.journal;

import java.nio.file.Path;
import java.util.List;

/**
 * What a recovery scan found and what it cut.
 *
 * @param segmentsScanned     segment files whose header was read.
 * @param recordCount         good records kept.
 * @param firstSequence       sequence of the first record kept, 0 for none.
 * @param lastSequence        sequence of the last record kept, 0 for none.
 * @param truncatedBytes      bytes zeroed from the first bad record to the end of the written data, 0 for none.
 * @param truncatedSequence   sequence the first cut record should have had, 0 when nothing was cut.
 * @param truncatedFile       segment where the cut starts, null when nothing was cut.
 * @param truncatedOffset     byte offset of the cut within {@code truncatedFile}, -1 when nothing was cut.
 * @param quarantinedSegments segments after the cut, renamed with {@link JournalDescriptor#CORRUPT_SUFFIX}
 *                            (as they were named before; a verify-only scan renames nothing).
 * @param problem             what was wrong where the cut starts, null when nothing was.
 */
public record RecoveryReport(
    int segmentsScanned,
    long recordCount,
    long firstSequence,
    long lastSequence,
    long truncatedBytes,
    long truncatedSequence,
    Path truncatedFile,
    long truncatedOffset,
    List<Path> quarantinedSegments,
    String problem)
{
    /**
     * @param segmentsScanned     segment files whose header was read.
     * @param recordCount         good records kept.
     * @param firstSequence       sequence of the first record kept, 0 for none.
     * @param lastSequence        sequence of the last record kept, 0 for none.
     * @param truncatedBytes      bytes zeroed from the first bad record to the end of the written data.
     * @param truncatedSequence   sequence the first cut record should have had, 0 when nothing was cut.
     * @param truncatedFile       segment where the cut starts, null when nothing was cut.
     * @param truncatedOffset     byte offset of the cut, -1 when nothing was cut.
     * @param quarantinedSegments segments after the cut.
     * @param problem             what was wrong where the cut starts, null when nothing was.
     */
    public RecoveryReport
    {
        quarantinedSegments = List.copyOf(quarantinedSegments);
    }

    /**
     * @return true when the scan cut anything: a torn tail, or more with truncate-at-corruption.
     */
    public boolean truncated()
    {
        return null != truncatedFile || !quarantinedSegments.isEmpty();
    }
}
