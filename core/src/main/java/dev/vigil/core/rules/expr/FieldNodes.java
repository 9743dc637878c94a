package dev.vigil.core.rules.expr;

/**
 * The nodes that read one field of the event, straight from its flyweight: codes as the wire carries them (ISO codes
 * packed into a number, first letter highest, as {@link ExprType#symbol} packs a written code), no lookups.
 */
final class FieldNodes
{
    private FieldNodes()
    {
    }

    static final class Amount extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return fields.transaction.amountMinor();
        }
    }

    static final class Currency extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return ((fields.transaction.currency(0) & 0xFFL) << 16) | ((fields.transaction.currency(1) & 0xFFL) << 8) |
                (fields.transaction.currency(2) & 0xFFL);
        }
    }

    static final class Country extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return ((fields.transaction.country(0) & 0xFFL) << 8) | (fields.transaction.country(1) & 0xFFL);
        }
    }

    static final class Channel extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return fields.transaction.channelRaw();
        }
    }

    static final class Merchant extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return fields.transaction.merchantId();
        }
    }

    static final class TransactionAccount extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return fields.transaction.accountId();
        }
    }

    static final class Card extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return fields.transaction.cardId();
        }
    }

    static final class TransactionTime extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return fields.transaction.eventTimeNs();
        }
    }

    static final class Price extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return fields.order.price();
        }
    }

    static final class Quantity extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return fields.order.quantity();
        }
    }

    /** Price times quantity, saturated as the language's arithmetic is. */
    static final class Notional extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return Saturating.multiply(fields.order.price(), fields.order.quantity());
        }
    }

    static final class OrderSide extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return fields.order.sideRaw();
        }
    }

    static final class OrderKind extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return fields.order.orderTypeRaw();
        }
    }

    static final class OrderAccount extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return fields.order.accountId();
        }
    }

    static final class Instrument extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return fields.order.instrumentId();
        }
    }

    static final class OrderTime extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return fields.order.eventTimeNs();
        }
    }

    /** The verdict of the rules with lower ids, as {@code Verdict.value()}. */
    static final class VerdictSoFar extends LongNode
    {
        @Override
        long value(final EventFields fields)
        {
            return fields.verdict;
        }
    }

    /** A per-key attribute's value for the event's key, as it was before the event. */
    static final class Attribute extends LongNode
    {
        private final int slot;

        Attribute(final int slot)
        {
            this.slot = slot;
        }

        @Override
        long value(final EventFields fields)
        {
            return fields.attributes[slot];
        }
    }
}
