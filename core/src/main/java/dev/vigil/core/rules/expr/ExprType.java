package dev.vigil.core.rules.expr;

import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.Verdict;

import java.util.Locale;

/**
 * The types of the expression language, checked when an expression is compiled so that evaluation never fails.
 * Every value is a 64-bit integer at run time: numbers as themselves, symbolic values (a channel, an ISO code…) as
 * the code the wire carries, conditions as booleans.
 */
public enum ExprType
{
    /** A condition: what {@code where:} must be. */
    BOOLEAN("a condition"),
    /** A whole number: ids, prices, quantities, event times, arithmetic. */
    NUMBER("a number"),
    /** An amount in minor units; compares with numbers and with decimal literals of two decimals. */
    AMOUNT("an amount"),
    /** A payment channel: POS, ECOM, ATM, MOTO, OTHER. */
    CHANNEL("a channel"),
    /** An order side: BUY, SELL. */
    SIDE("a side"),
    /** An order type: LIMIT, MARKET. */
    ORDER_TYPE("an order type"),
    /** An ISO 4217 currency code, three upper-case letters. */
    CURRENCY("a currency"),
    /** An ISO 3166 alpha-2 country code, two upper-case letters. */
    COUNTRY("a country"),
    /** The verdict of the rules with lower ids: approve, review, decline, ordered so. */
    VERDICT("a verdict");

    /** What {@link #symbol} answers for a name that is not a value of the type. */
    public static final long NO_SYMBOL = Long.MIN_VALUE;

    private final String noun;

    ExprType(final String noun)
    {
        this.noun = noun;
    }

    /**
     * @return the type in words for error messages, e.g. {@code a channel}.
     */
    public String noun()
    {
        return noun;
    }

    /**
     * @return true for the number types, which take arithmetic.
     */
    public boolean isNumeric()
    {
        return this == NUMBER || this == AMOUNT;
    }

    /**
     * @return true for the types whose values are written as names, e.g. {@code ATM}, {@code GB}.
     */
    public boolean isSymbolic()
    {
        return this != BOOLEAN && !isNumeric();
    }

    /**
     * @return true when values of the type compare with {@code < <= > >=}, not only {@code == !=}.
     */
    public boolean isOrdered()
    {
        return isNumeric() || this == VERDICT;
    }

    /**
     * @param other another type.
     * @return true when values of the two types can be compared with each other.
     */
    public boolean comparesWith(final ExprType other)
    {
        return this == other || (isNumeric() && other.isNumeric());
    }

    /**
     * @param name a name as written, e.g. {@code ATM} or {@code GB}.
     * @return its code, or {@link #NO_SYMBOL} when it is not a value of this type.
     */
    public long symbol(final String name)
    {
        switch (this)
        {
            case CHANNEL:
                for (final PaymentChannel channel : PaymentChannel.values())
                {
                    if (channel != PaymentChannel.NULL_VAL && channel.name().equalsIgnoreCase(name))
                    {
                        return channel.value();
                    }
                }
                return NO_SYMBOL;
            case SIDE:
                for (final Side side : Side.values())
                {
                    if (side != Side.NULL_VAL && side.name().equalsIgnoreCase(name))
                    {
                        return side.value();
                    }
                }
                return NO_SYMBOL;
            case ORDER_TYPE:
                for (final OrderType type : OrderType.values())
                {
                    if (type != OrderType.NULL_VAL && type.name().equalsIgnoreCase(name))
                    {
                        return type.value();
                    }
                }
                return NO_SYMBOL;
            case VERDICT:
                for (final Verdict verdict : Verdict.values())
                {
                    if (verdict != Verdict.NULL_VAL && verdict.name().equalsIgnoreCase(name))
                    {
                        return verdict.value();
                    }
                }
                return NO_SYMBOL;
            case CURRENCY:
                return isUpperCaseCode(name, 3) ? packCode(name) : NO_SYMBOL;
            case COUNTRY:
                return isUpperCaseCode(name, 2) ? packCode(name) : NO_SYMBOL;
            default:
                return NO_SYMBOL;
        }
    }

    /**
     * @return the values a name of this type may take, for error messages.
     */
    public String symbols()
    {
        switch (this)
        {
            case CHANNEL:
                return "POS, ECOM, ATM, MOTO, OTHER";
            case SIDE:
                return "BUY, SELL";
            case ORDER_TYPE:
                return "LIMIT, MARKET";
            case VERDICT:
                return "approve, review, decline";
            case CURRENCY:
                return "an ISO 4217 code of three upper-case letters, e.g. EUR";
            case COUNTRY:
                return "an ISO 3166 alpha-2 code of two upper-case letters, e.g. GB";
            default:
                return noun;
        }
    }

    /**
     * @param code a value of this type.
     * @return the value as an expression writes it, for the canonical form of an expression.
     */
    public String format(final long code)
    {
        switch (this)
        {
            case CHANNEL:
                return PaymentChannel.get((short)code).name();
            case SIDE:
                return Side.get((short)code).name();
            case ORDER_TYPE:
                return OrderType.get((short)code).name();
            case VERDICT:
                return Verdict.get((short)code).name().toLowerCase(Locale.ROOT);
            case CURRENCY:
                return unpackCode(code, 3);
            case COUNTRY:
                return unpackCode(code, 2);
            default:
                return Long.toString(code);
        }
    }

    /**
     * @param code the letters of an ISO code, upper case.
     * @return the code packed as the engine reads it from a message: the first letter in the highest byte used.
     */
    static long packCode(final String code)
    {
        long packed = 0;
        for (int i = 0; i < code.length(); i++)
        {
            packed = (packed << 8) | (code.charAt(i) & 0xFF);
        }
        return packed;
    }

    private static String unpackCode(final long code, final int letters)
    {
        final StringBuilder text = new StringBuilder(letters);
        for (int i = letters - 1; i >= 0; i--)
        {
            text.append((char)((code >>> (8 * i)) & 0xFF));
        }
        return text.toString();
    }

    private static boolean isUpperCaseCode(final String name, final int letters)
    {
        if (name.length() != letters)
        {
            return false;
        }
        for (int i = 0; i < letters; i++)
        {
            if (name.charAt(i) < 'A' || name.charAt(i) > 'Z')
            {
                return false;
            }
        }
        return true;
    }
}
