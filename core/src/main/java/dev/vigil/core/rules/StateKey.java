package dev.vigil.core.rules;

import java.util.Locale;

/**
 * What a keyed rule keeps its state by, across message types: the rules of one state key share one record per key
 * (an account's record holds the state of every account rule), so an event reaches each of its keys' state once.
 */
public enum StateKey
{
    /** A paying or trading account. */
    ACCOUNT,
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
