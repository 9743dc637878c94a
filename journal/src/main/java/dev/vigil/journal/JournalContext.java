package dev.vigil.journal;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;

/**
 * Settings of a {@link JournalWriter}, with fluent setters and defaults. {@link #conclude()} checks them.
 */
public final class JournalContext
{
    /** Default segment length: 64 MiB. */
    public static final int SEGMENT_LENGTH_DEFAULT = 64 * 1024 * 1024;

    /** Default durability. */
    public static final Durability DURABILITY_DEFAULT = Durability.PERIODIC;

    /** Default interval between forces in {@link Durability#PERIODIC} mode: 1 ms. */
    public static final long FSYNC_INTERVAL_NS_DEFAULT = 1_000_000L;

    private Path directory;
    private int segmentLength = SEGMENT_LENGTH_DEFAULT;
    private Durability durability = DURABILITY_DEFAULT;
    private long fsyncIntervalNs = FSYNC_INTERVAL_NS_DEFAULT;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private boolean truncateAtCorruption = false;
    private boolean prepareInBackground = true;

    /**
     * Check the settings.
     *
     * @return this.
     * @throws IllegalArgumentException naming the setting, its value and what is allowed.
     */
    public JournalContext conclude()
    {
        if (null == directory)
        {
            throw new IllegalArgumentException("directory=null is not allowed: set the directory of the journal");
        }
        if (!JournalDescriptor.isValidSegmentLength(segmentLength))
        {
            throw new IllegalArgumentException("segmentLength=" + segmentLength + " is not allowed: must be a power" +
                " of two from " + JournalDescriptor.MIN_SEGMENT_LENGTH + " (64 KiB) to " +
                JournalDescriptor.MAX_SEGMENT_LENGTH + " (1 GiB)");
        }
        if (null == durability)
        {
            throw new IllegalArgumentException("durability=null is not allowed: must be one of NONE, BATCH, PERIODIC");
        }
        if (fsyncIntervalNs <= 0)
        {
            throw new IllegalArgumentException(
                "fsyncIntervalNs=" + fsyncIntervalNs + " is not allowed: must be greater than 0");
        }
        if (null == nanoClock)
        {
            throw new IllegalArgumentException("nanoClock=null is not allowed: set a clock, e.g. SystemNanoClock");
        }

        return this;
    }

    /**
     * @param directory of the journal; created if missing.
     * @return this.
     */
    public JournalContext directory(final Path directory)
    {
        this.directory = directory;
        return this;
    }

    /**
     * @return directory of the journal.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * @param segmentLength of new segments in bytes: a power of two from 64 KiB to 1 GiB.
     * @return this.
     */
    public JournalContext segmentLength(final int segmentLength)
    {
        this.segmentLength = segmentLength;
        return this;
    }

    /**
     * @return length of new segments in bytes.
     */
    public int segmentLength()
    {
        return segmentLength;
    }

    /**
     * @param durability when appended records are forced to storage.
     * @return this.
     */
    public JournalContext durability(final Durability durability)
    {
        this.durability = durability;
        return this;
    }

    /**
     * @return when appended records are forced to storage.
     */
    public Durability durability()
    {
        return durability;
    }

    /**
     * @param fsyncIntervalNs least time between forces in {@link Durability#PERIODIC} mode.
     * @return this.
     */
    public JournalContext fsyncIntervalNs(final long fsyncIntervalNs)
    {
        this.fsyncIntervalNs = fsyncIntervalNs;
        return this;
    }

    /**
     * @return least time between forces in {@link Durability#PERIODIC} mode.
     */
    public long fsyncIntervalNs()
    {
        return fsyncIntervalNs;
    }

    /**
     * @param nanoClock that times {@link Durability#PERIODIC} forces.
     * @return this.
     */
    public JournalContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * @return clock that times {@link Durability#PERIODIC} forces.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * @param truncateAtCorruption on open, cut the journal at damage in the middle (losing the records after it,
     *                             renaming later segments {@code *.corrupt}) instead of throwing
     *                             {@link JournalCorruptionException}. A torn tail is always cut.
     * @return this.
     */
    public JournalContext truncateAtCorruption(final boolean truncateAtCorruption)
    {
        this.truncateAtCorruption = truncateAtCorruption;
        return this;
    }

    /**
     * @return whether open cuts at damage in the middle instead of throwing.
     */
    public boolean truncateAtCorruption()
    {
        return truncateAtCorruption;
    }

    /**
     * @param prepareInBackground prepare (create, map, pre-touch) each next segment and do the file work of each
     *                            roll (rename, unmap, in PERIODIC mode force the sealed tail) on a sleeping
     *                            background thread, keeping file system calls and page faults off the appending
     *                            thread; false does them on the appending thread, in
     *                            {@link JournalWriter#endOfBatch()} and {@link JournalWriter#doDutyCycle()}.
     * @return this.
     */
    public JournalContext prepareInBackground(final boolean prepareInBackground)
    {
        this.prepareInBackground = prepareInBackground;
        return this;
    }

    /**
     * @return whether next segments are prepared on a background thread.
     */
    public boolean prepareInBackground()
    {
        return prepareInBackground;
    }

    @Override
    public String toString()
    {
        return "JournalContext{directory=" + directory + ", segmentLength=" + segmentLength +
            ", durability=" + durability + ", fsyncIntervalNs=" + fsyncIntervalNs +
            ", truncateAtCorruption=" + truncateAtCorruption + ", prepareInBackground=" + prepareInBackground + '}';
    }
}
