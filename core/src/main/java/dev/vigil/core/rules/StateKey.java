package dev.vigil.core.rules;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
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
     * The one place a key's value is taken from an event: the rules, the prefetch and the lookahead all read it
     * here, so they cannot disagree on which record an event's state is in.
     *
     * @param txn a transaction.
     * @return the value of this key in it.
     * @throws IllegalArgumentException for a key of orders.
     */
    public long of(final TransactionDecoder txn)
    {
        switch (this)
        {
            case ACCOUNT:
                return txn.accountId();
            case CARD:
                return txn.cardId();
            case MERCHANT:
                return txn.merchantId();
            default:
                throw new IllegalArgumentException(this + " is not a key of transactions");
        }
    }

    /**
     * As {@link #of(TransactionDecoder)}, for orders.
     *
     * @param order an order.
     * @return the value of this key in it.
     * @throws IllegalArgumentException for a key of transactions.
     */
    public long of(final OrderDecoder order)
    {
        switch (this)
        {
            case ACCOUNT_ORDERS:
                return order.accountId();
            case INSTRUMENT:
                return order.instrumentId();
            case ACCOUNT_INSTRUMENT:
                return accountInstrument(order.accountId(), order.instrumentId());
            default:
                throw new IllegalArgumentException(this + " is not a key of orders");
        }
    }

    /**
     * The key of an account and instrument pair: both ids mixed into one long. Distinct pairs may in principle
     * share a key, which would only add their notionals together, never lose one.
     *
     * @param accountId    the trading account.
     * @param instrumentId the instrument.
     * @return the pair's key.
     */
    public static long accountInstrument(final long accountId, final long instrumentId)
    {
        return accountId * 0x9E3779B97F4A7C15L + instrumentId;
    }

    /**
     * @return a lower-case name for files and reports, e.g. {@code account-instrument}.
     */
    public String displayName()
    {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
