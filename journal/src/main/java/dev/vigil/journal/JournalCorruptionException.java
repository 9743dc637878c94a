package dev.vigil.journal;

/**
 * The journal is damaged somewhere other than its tail, so records after the damage would be lost by cutting it.
 * Thrown when a writer opens such a journal without {@link JournalContext#truncateAtCorruption(boolean)}, and by
 * {@link JournalRecovery}. Names where the damage starts and the last record known good before it.
 */
public final class JournalCorruptionException extends RuntimeException
{
    private static final long serialVersionUID = 7125012645180539873L;

    private final String file;
    private final long offset;
    private final long lastGoodSequence;
    private final String reason;

    /**
     * @param file             holding the damage.
     * @param offset           of the damage within the file.
     * @param lastGoodSequence sequence of the last good record before it, 0 for none.
     * @param reason           what is wrong, in words.
     */
    public JournalCorruptionException(
        final String file, final long offset, final long lastGoodSequence, final String reason)
    {
        super("journal corrupt in " + file + " at offset " + offset + " (last good sequence " + lastGoodSequence +
            "): " + reason + "; records after it would be lost by a cut, so nothing was changed;" +
            " open with truncateAtCorruption(true) to cut there");
        this.file = file;
        this.offset = offset;
        this.lastGoodSequence = lastGoodSequence;
        this.reason = reason;
    }

    /**
     * @return the file holding the damage.
     */
    public String file()
    {
        return file;
    }

    /**
     * @return byte offset of the damage within {@link #file()}.
     */
    public long offset()
    {
        return offset;
    }

    /**
     * @return sequence of the last good record before the damage, 0 for none.
     */
    public long lastGoodSequence()
    {
        return lastGoodSequence;
    }

    /**
     * @return what is wrong, in words.
     */
    public String reason()
    {
        return reason;
    }
}
