package dev.vigil.core.rules;

import java.util.Locale;

/**
 * What a keyed rule keeps its state by: the rules of one state key share one record per key (an account's record
 * holds the state of every payment rule of that account), so an event reaches each of its keys' state once.
 * <p>
 * Rules share a record only when they judge the same events: an account's payment rules and its trading rules keep
 * separate records ({@link #ACCOUNT}, {@link #ACCOUNT_ORDERS}), since no event needs both and a smaller record is
 * fewer pages to reach at random (measured: merged, an order paid for a page of the large payment record).
 */
public enum StateKey
{
    /** A paying account, for rules over transactions. */
    ACCOUNT,
    /** A trading account, for rules over orders. */
    ACCOUNT_ORDERS,
    /** A card. */
    CARD,
    /** A merchant. */
    MERCHANT,
    /** An instrument. */
    INSTRUMENT,
    /** An account and instrument pair. */
    ACCOUNT_INSTRUMENT;

    /**
     * @return a lower-case name for files and reports, e.g. {@code account-instrument}.
     */
    public String displayName()
    {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
