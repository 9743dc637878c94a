package dev.vigil.app.kafka;

/**
 * A bound on how many records a source sends a second, so that on a host it shares with the engine it leaves the
 * engine's other clients the cores they need: a token bucket refilled with the clock, holding at most a tenth of a
 * second's worth (at least one record), so that a source that was held back does not send a burst.
 */
final class SendRate
{
    private static final long NS_PER_S = 1_000_000_000L;

    private final long perSecond;
    private final double capacity;
    private double tokens;
    private long lastNs;
    private boolean started;

    /**
     * @param perSecond records a second, more than 0.
     */
    SendRate(final long perSecond)
    {
        if (perSecond <= 0)
        {
            throw new IllegalArgumentException("perSecond=" + perSecond + " must be more than 0");
        }
        this.perSecond = perSecond;
        this.capacity = Math.max(1, perSecond / 10.0);
    }

    /**
     * @param nowNs the time now.
     * @return records that may be sent now.
     */
    long available(final long nowNs)
    {
        if (!started)
        {
            started = true;
            lastNs = nowNs;
            tokens = capacity;
        }
        else if (nowNs > lastNs)
        {
            tokens = Math.min(capacity, tokens + (double)(nowNs - lastNs) * perSecond / NS_PER_S);
            lastNs = nowNs;
        }
        return (long)tokens;
    }

    /**
     * @param nowNs the time now.
     * @param parts how many share what may be sent now, more than 0.
     * @return each one's part, rounded up, so that none is left with nothing while records may be sent.
     */
    long share(final long nowNs, final int parts)
    {
        return (available(nowNs) + parts - 1) / parts;
    }

    /**
     * @param sent records sent out of what {@link #available} allowed.
     */
    void sent(final long sent)
    {
        tokens = Math.max(0, tokens - sent);
    }
}
