package dev.vigil.app.audit;

import dev.vigil.app.config.ConfigException;
import dev.vigil.codecs.HeartbeatEncoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.OrderEncoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionEncoder;
import org.agrona.MutableDirectBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns lines of an events CSV file into the SBE frames a client would have sent, for backtests and imports.
 * <p>
 * The first line names the columns, in any order: {@code event_time} (ISO-8601 instant or epoch nanoseconds) and
 * {@code type} ({@code transaction}, {@code order} or {@code heartbeat}) always; for transactions {@code account},
 * {@code card}, {@code merchant}, {@code amount} (minor units), {@code currency}, {@code country} and optionally
 * {@code channel} (pos, ecom, atm, moto, other; default ecom); for orders {@code account}, {@code instrument},
 * {@code side} (buy, sell), {@code price} (ticks), {@code quantity} and optionally {@code order_type} (limit,
 * market; default limit). Cells a type does not use may be empty. Errors name the file, the line, the column, the
 * value and what is allowed.
 * <p>
 * A line given as bytes is read where it lies, without a {@code String} or any other allocation, when
 * each cell it needs is in the usual spelling, without spaces around it: whole numbers as ASCII digits, times as
 * epoch nanoseconds or as {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z} (years 1678 to 2261), names in ASCII letters. Any
 * other line (another spelling that is still allowed, such as {@code +5}, {@code " 5"} or a time with an offset, or
 * a bad cell) is read as text, which accepts exactly the same lines with the same values and names what is wrong.
 */
public final class CsvEventReader
{
    /** Every column the format knows. */
    public static final List<String> COLUMNS = List.of(
        "event_time", "type", "account", "card", "merchant", "amount", "currency", "country", "channel",
        "instrument", "side", "order_type", "price", "quantity");

    private static final int EVENT_TIME = 0;
    private static final int TYPE = 1;
    private static final int ACCOUNT = 2;
    private static final int CARD = 3;
    private static final int MERCHANT = 4;
    private static final int AMOUNT = 5;
    private static final int CURRENCY = 6;
    private static final int COUNTRY = 7;
    private static final int CHANNEL = 8;
    private static final int INSTRUMENT = 9;
    private static final int SIDE = 10;
    private static final int ORDER_TYPE = 11;
    private static final int PRICE = 12;
    private static final int QUANTITY = 13;

    /** What the quick reads return for a cell they do not take. */
    private static final long NO_VALUE = Long.MIN_VALUE;
    private static final int NO_CHOICE = -1;
    private static final int MAX_DIGITS = 19;
    private static final int FIRST_YEAR = 1678;
    private static final int LAST_YEAR = 2261;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long SECONDS_PER_DAY = 86_400L;
    /** What a fraction of a second of n digits is multiplied by to be nanoseconds, by n. */
    private static final long[] FRACTION_SCALE =
        {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BITS = 0x0101_0101_0101_0101L;
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
    private static final long COMMAS = LOW_BITS * ',';
    private static final long CASE_BITS = LOW_BITS * 0x20;
    private static final long DIGIT_ZEROS = LOW_BITS * '0';
    private static final long HIGH_NIBBLES = 0xF0F0_F0F0_F0F0_F0F0L;
    private static final long LOW_NIBBLES = 0x0F0F_0F0F_0F0F_0F0FL;
    private static final long DIGIT_HIGH_NIBBLES = 0x3030_3030_3030_3030L;
    private static final long SIXES = LOW_BITS * 6;
    private static final long SIXTEENS = LOW_BITS * 16;

    private static final byte[][] TYPE_NAMES = ascii("transaction", "order", "heartbeat");
    private static final int TRANSACTION = 0;
    private static final int ORDER = 1;
    private static final byte[][] CHANNEL_NAMES = ascii("pos", "ecom", "atm", "moto", "other");
    private static final PaymentChannel[] CHANNELS = {
        PaymentChannel.POS, PaymentChannel.ECOM, PaymentChannel.ATM, PaymentChannel.MOTO, PaymentChannel.OTHER};
    private static final int DEFAULT_CHANNEL = 1;
    private static final byte[][] SIDE_NAMES = ascii("buy", "sell");
    private static final Side[] SIDES = {Side.BUY, Side.SELL};
    private static final byte[][] ORDER_TYPE_NAMES = ascii("limit", "market");
    private static final OrderType[] ORDER_TYPES = {OrderType.LIMIT, OrderType.MARKET};
    private static final int DEFAULT_ORDER_TYPE = 0;

    private final String source;
    private final Map<String, Integer> columnIndex = new HashMap<>();
    /** Which of {@link #COLUMNS} each cell of a line is, by cell; -1 for one that a later cell of its name hides. */
    private final int[] cellColumn;
    /** The number in each column's cell of the line being read, or {@link #NO_VALUE}; by column. */
    private final long[] number = new long[COLUMNS.size()];
    /** Where each column's cell starts and ends in the line being read, by column; empty for a cell it lacks. */
    private final int[] textStart = new int[COLUMNS.size()];
    private final int[] textEnd = new int[COLUMNS.size()];
    /** Where each comma of the line being read is, as far as the header's cells go. */
    private final int[] commaAt;
    private byte[] line;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TransactionEncoder transaction = new TransactionEncoder();
    private final OrderEncoder order = new OrderEncoder();
    private final HeartbeatEncoder heartbeat = new HeartbeatEncoder();
    private long eventTimeNs;

    /**
     * @param source     file name, for error messages.
     * @param headerLine the first line of the file.
     */
    public CsvEventReader(final String source, final String headerLine)
    {
        this.source = source;
        final String[] names = headerLine.split(",", -1);
        for (int i = 0; i < names.length; i++)
        {
            final String name = names[i].trim().toLowerCase(Locale.ROOT);
            if (!COLUMNS.contains(name))
            {
                throw new ConfigException(source + ":1: unknown column '" + names[i] + "'; known columns: " +
                    String.join(", ", COLUMNS));
            }
            columnIndex.put(name, i);
        }
        cellColumn = new int[names.length];
        commaAt = new int[names.length];
        Arrays.fill(cellColumn, -1);
        columnIndex.forEach((name, cell) -> cellColumn[cell] = COLUMNS.indexOf(name));
        Arrays.fill(number, NO_VALUE);
        for (final String required : List.of("event_time", "type"))
        {
            if (!columnIndex.containsKey(required))
            {
                throw new ConfigException(source + ":1: missing column '" + required + "'");
            }
        }
    }

    /**
     * Encode one data line, given as UTF-8 bytes, as a frame: without allocating when its cells are in the usual
     * spelling (see above), and otherwise as {@link #encode(int, String, long, long, MutableDirectBuffer)} does.
     *
     * @param lineNumber 1-based line number in the file, for errors.
     * @param line       the line's bytes, UTF-8, in its first {@code length} bytes; not kept.
     * @param length     how many bytes the line has.
     * @param clientId   client id to put in the frame.
     * @param clientSeq  client sequence to put in the frame.
     * @param buffer     where to encode.
     * @return the frame length.
     * @throws ConfigException naming file, line, column, value and what is allowed.
     */
    public int encode(
        final int lineNumber,
        final byte[] line,
        final int length,
        final long clientId,
        final long clientSeq,
        final MutableDirectBuffer buffer)
    {
        this.line = line;
        read(length);
        final int frameLength = encodeQuickly(clientId, clientSeq, buffer);
        this.line = null;
        if (frameLength > 0)
        {
            return frameLength;
        }
        return encode(lineNumber, new String(line, 0, length, StandardCharsets.UTF_8), clientId, clientSeq, buffer);
    }

    /**
     * Encode one data line as a frame.
     *
     * @param lineNumber 1-based line number in the file, for errors.
     * @param line       the line.
     * @param clientId   client id to put in the frame.
     * @param clientSeq  client sequence to put in the frame.
     * @param buffer     where to encode.
     * @return the frame length.
     * @throws ConfigException naming file, line, column, value and what is allowed.
     */
    public int encode(
        final int lineNumber,
        final String line,
        final long clientId,
        final long clientSeq,
        final MutableDirectBuffer buffer)
    {
        final String[] cells = line.split(",", -1);
        eventTimeNs = time(cells, lineNumber);
        final String type = text(cells, "type", lineNumber).toLowerCase(Locale.ROOT);
        switch (type)
        {
            case "transaction":
                transaction.wrapAndApplyHeader(buffer, 0, header)
                    .clientId(clientId)
                    .clientSeq(clientSeq)
                    .eventTimeNs(eventTimeNs)
                    .clientSendTimeNs(eventTimeNs)
                    .txnId(clientSeq)
                    .accountId(number(cells, "account", lineNumber))
                    .cardId(number(cells, "card", lineNumber))
                    .merchantId(number(cells, "merchant", lineNumber))
                    .amountMinor(number(cells, "amount", lineNumber))
                    .currency(code(cells, "currency", 3, lineNumber))
                    .country(code(cells, "country", 2, lineNumber))
                    .channel(PaymentChannel.valueOf(choice(cells, "channel", "ecom", lineNumber,
                        "pos", "ecom", "atm", "moto", "other")));
                return MessageHeaderEncoder.ENCODED_LENGTH + transaction.encodedLength();

            case "order":
                order.wrapAndApplyHeader(buffer, 0, header)
                    .clientId(clientId)
                    .clientSeq(clientSeq)
                    .eventTimeNs(eventTimeNs)
                    .clientSendTimeNs(eventTimeNs)
                    .orderId(clientSeq)
                    .accountId(number(cells, "account", lineNumber))
                    .instrumentId(number(cells, "instrument", lineNumber))
                    .price(number(cells, "price", lineNumber))
                    .quantity(number(cells, "quantity", lineNumber))
                    .side(Side.valueOf(choice(cells, "side", null, lineNumber, "buy", "sell")))
                    .orderType(OrderType.valueOf(choice(cells, "order_type", "limit", lineNumber, "limit", "market")));
                return MessageHeaderEncoder.ENCODED_LENGTH + order.encodedLength();

            case "heartbeat":
                heartbeat.wrapAndApplyHeader(buffer, 0, header)
                    .clientId(clientId)
                    .clientSeq(clientSeq)
                    .eventTimeNs(eventTimeNs)
                    .clientSendTimeNs(eventTimeNs);
                return MessageHeaderEncoder.ENCODED_LENGTH + heartbeat.encodedLength();

            default:
                throw invalid(lineNumber, "type", type, "transaction, order or heartbeat");
        }
    }

    /**
     * @return event time of the line last encoded.
     */
    public long eventTimeNs()
    {
        return eventTimeNs;
    }

    /**
     * Read each cell of the line the header names, as far as the quick way takes it: numbers and times into
     * {@link #number}, where the others start and end into {@link #textStart} and {@link #textEnd}. Cells are
     * separated as {@code String.split(",", -1)} separates them; a cell the line lacks is empty.
     * <p>
     * The commas come first, eight bytes at a time, so that where each cell is does not wait for the cells before it
     * to be read.
     */
    private void read(final int length)
    {
        final int cells = cellColumn.length;
        final int commas = findCommas(length, cells);
        int start = 0;
        for (int cell = 0; cell < cells; cell++)
        {
            final int column = cellColumn[cell];
            final int end = cell < commas ? commaAt[cell] : length;
            if (column >= 0)
            {
                if (cell > commas)
                {
                    number[column] = NO_VALUE;
                    textStart[column] = 0;
                    textEnd[column] = 0;
                }
                else if (column == EVENT_TIME)
                {
                    number[column] = end - start >= 20 && line[start + 4] == '-' ?
                        instant(start, end) : digits(start, end);
                }
                else if (isNumber(column))
                {
                    number[column] = digits(start, end);
                }
                else
                {
                    textStart[column] = start;
                    textEnd[column] = end;
                }
            }
            start = end + 1;
        }
    }

    /**
     * @return how many commas the line has, up to {@code most}, their places in {@link #commaAt}.
     */
    private int findCommas(final int length, final int most)
    {
        final byte[] bytes = line;
        final int[] commas = commaAt;
        int count = 0;
        int i = 0;
        for (; i < length && i <= bytes.length - Long.BYTES; i += Long.BYTES)
        {
            final long commaBytes = (long)LONGS.get(bytes, i) ^ COMMAS;
            // The high bit of each byte that is zero, that is a comma, exactly: no carry crosses a byte.
            long flags = ~(((commaBytes & ~HIGH_BITS) + ~HIGH_BITS) | commaBytes | ~HIGH_BITS);
            while (flags != 0)
            {
                final int at = i + (Long.numberOfTrailingZeros(flags) >>> 3);
                if (at >= length)
                {
                    return count;
                }
                commas[count++] = at;
                if (count == most)
                {
                    return count;
                }
                flags &= flags - 1;
            }
        }
        for (; i < length; i++)
        {
            if (bytes[i] == ',')
            {
                commas[count++] = i;
                if (count == most)
                {
                    return count;
                }
            }
        }
        return count;
    }

    private static boolean isNumber(final int column)
    {
        return column == ACCOUNT || column == CARD || column == MERCHANT || column == AMOUNT ||
            column == INSTRUMENT || column == PRICE || column == QUANTITY;
    }

    /**
     * @return the cell from {@code start} to {@code end} as 1 to 19 ASCII digits, at most {@link Long#MAX_VALUE}; or
     * {@link #NO_VALUE}.
     */
    private long digits(final int start, final int end)
    {
        final byte[] bytes = line;
        final int count = end - start;
        if (count <= Long.BYTES && count > 0 && start <= bytes.length - Long.BYTES)
        {
            // Up to eight digits from one word, without a branch per digit.
            final long word = (long)LONGS.get(bytes, start);
            final long notDigits = ((word & HIGH_NIBBLES) ^ DIGIT_HIGH_NIBBLES) |
                (((word & LOW_NIBBLES) + SIXES) & SIXTEENS);
            final long flags = (((notDigits & ~HIGH_BITS) + ~HIGH_BITS) | notDigits) & HIGH_BITS;
            return Long.numberOfTrailingZeros(flags) >>> 3 >= count ? digitsOf(word, count) : NO_VALUE;
        }
        if (count <= 0 || count > MAX_DIGITS)
        {
            return NO_VALUE;
        }
        long value = 0;
        for (int i = start; i < end; i++)
        {
            final int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9 || (i - start == MAX_DIGITS - 1 && value > (Long.MAX_VALUE - digit) / 10))
            {
                return NO_VALUE;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /**
     * @param word   eight bytes of a line, the first of them in its low byte.
     * @param digits how many of its first bytes are ASCII digits, 1 to 8.
     * @return the number they write.
     */
    static long digitsOf(final long word, final int digits)
    {
        // Digits to the top, zeros for leading digits below; then digit pairs, fours and the eight combined.
        long value = (word - DIGIT_ZEROS) << ((Long.BYTES - digits) * Byte.SIZE);
        value = value * 10 + (value >>> 8);
        return ((value & 0x0000_00FF_0000_00FFL) * 0x000F_4240_0000_0064L +
            ((value >>> 16) & 0x0000_00FF_0000_00FFL) * 0x0000_2710_0000_0001L) >>> 32;
    }

    /**
     * @return the cell from {@code start} to {@code end}, at least 20 bytes, as
     * {@code yyyy-MM-ddTHH:mm:ss[.fraction of 1 to 9 digits]Z}, a valid date and time of the years 1678 to 2261, in
     * nanoseconds since the epoch; or {@link #NO_VALUE}.
     */
    private long instant(final int start, final int end)
    {
        final byte[] bytes = line;
        final int fractionDigits = end - start - 21;
        if (bytes[start + 7] != '-' || bytes[start + 10] != 'T' || bytes[start + 13] != ':' ||
            bytes[start + 16] != ':' || bytes[end - 1] != 'Z' || fractionDigits == 0 || fractionDigits > 9 ||
            (fractionDigits > 0 && bytes[start + 19] != '.'))
        {
            return NO_VALUE;
        }
        final int century = twoDigits(start);
        final int yearOfCentury = twoDigits(start + 2);
        final int year = century * 100 + yearOfCentury;
        final int month = twoDigits(start + 5);
        final int day = twoDigits(start + 8);
        final int hour = twoDigits(start + 11);
        final int minute = twoDigits(start + 14);
        final int second = twoDigits(start + 17);
        if (century < 0 || yearOfCentury < 0 || year < FIRST_YEAR || year > LAST_YEAR || month < 1 || month > 12 ||
            day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
            second < 0 || second > 59)
        {
            return NO_VALUE;
        }
        long nanos = 0;
        if (fractionDigits > 0)
        {
            final long fraction = digits(start + 20, end - 1);
            if (fraction == NO_VALUE)
            {
                return NO_VALUE;
            }
            nanos = fraction * FRACTION_SCALE[fractionDigits];
        }
        final long seconds = epochDay(year, month, day) * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second;
        return seconds * NANOS_PER_SECOND + nanos;
    }

    /**
     * @return the frame length, or 0 when a cell needs the text's way.
     */
    private int encodeQuickly(final long clientId, final long clientSeq, final MutableDirectBuffer buffer)
    {
        final long timeNs = number[EVENT_TIME];
        final int type = choice(TYPE, TYPE_NAMES, NO_CHOICE);
        if (timeNs == NO_VALUE || type == NO_CHOICE)
        {
            return 0;
        }
        eventTimeNs = timeNs;
        if (type == TRANSACTION)
        {
            return encodeTransaction(clientId, clientSeq, buffer);
        }
        if (type == ORDER)
        {
            return encodeOrder(clientId, clientSeq, buffer);
        }
        heartbeat.wrapAndApplyHeader(buffer, 0, header)
            .clientId(clientId)
            .clientSeq(clientSeq)
            .eventTimeNs(eventTimeNs)
            .clientSendTimeNs(eventTimeNs);
        return MessageHeaderEncoder.ENCODED_LENGTH + heartbeat.encodedLength();
    }

    private int encodeTransaction(final long clientId, final long clientSeq, final MutableDirectBuffer buffer)
    {
        final long account = number[ACCOUNT];
        final long card = number[CARD];
        final long merchant = number[MERCHANT];
        final long amount = number[AMOUNT];
        final int channel = choice(CHANNEL, CHANNEL_NAMES, DEFAULT_CHANNEL);
        if (account == NO_VALUE || card == NO_VALUE || merchant == NO_VALUE || amount == NO_VALUE ||
            channel == NO_CHOICE || !isCode(CURRENCY, 3) || !isCode(COUNTRY, 2))
        {
            return 0;
        }
        final int currency = textStart[CURRENCY];
        final int country = textStart[COUNTRY];
        transaction.wrapAndApplyHeader(buffer, 0, header)
            .clientId(clientId)
            .clientSeq(clientSeq)
            .eventTimeNs(eventTimeNs)
            .clientSendTimeNs(eventTimeNs)
            .txnId(clientSeq)
            .accountId(account)
            .cardId(card)
            .merchantId(merchant)
            .amountMinor(amount)
            .putCurrency(line[currency], line[currency + 1], line[currency + 2])
            .putCountry(line[country], line[country + 1])
            .channel(CHANNELS[channel]);
        return MessageHeaderEncoder.ENCODED_LENGTH + transaction.encodedLength();
    }

    private int encodeOrder(final long clientId, final long clientSeq, final MutableDirectBuffer buffer)
    {
        final long account = number[ACCOUNT];
        final long instrument = number[INSTRUMENT];
        final long price = number[PRICE];
        final long quantity = number[QUANTITY];
        final int side = choice(SIDE, SIDE_NAMES, NO_CHOICE);
        final int orderType = choice(ORDER_TYPE, ORDER_TYPE_NAMES, DEFAULT_ORDER_TYPE);
        if (account == NO_VALUE || instrument == NO_VALUE || price == NO_VALUE || quantity == NO_VALUE ||
            side == NO_CHOICE || orderType == NO_CHOICE)
        {
            return 0;
        }
        order.wrapAndApplyHeader(buffer, 0, header)
            .clientId(clientId)
            .clientSeq(clientSeq)
            .eventTimeNs(eventTimeNs)
            .clientSendTimeNs(eventTimeNs)
            .orderId(clientSeq)
            .accountId(account)
            .instrumentId(instrument)
            .price(price)
            .quantity(quantity)
            .side(SIDES[side])
            .orderType(ORDER_TYPES[orderType]);
        return MessageHeaderEncoder.ENCODED_LENGTH + order.encodedLength();
    }

    /**
     * @return the two ASCII digits at {@code index} as a number, or -1 when they are not digits.
     */
    private int twoDigits(final int index)
    {
        final int tens = line[index] - '0';
        final int ones = line[index + 1] - '0';
        if (tens < 0 || tens > 9 || ones < 0 || ones > 9)
        {
            return -1;
        }
        return tens * 10 + ones;
    }

    private static int daysInMonth(final int year, final int month)
    {
        if (month == 2)
        {
            return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
        }
        return (month == 4 || month == 6 || month == 9 || month == 11) ? 30 : 31;
    }

    /**
     * Days since 1970-01-01 of a date of the proleptic Gregorian calendar, year 1 or later.
     */
    static long epochDay(final int year, final int month, final int day)
    {
        // Years counted from March, so that the leap day is the last day of a year.
        final int marchYear = month <= 2 ? year - 1 : year;
        final int era = marchYear / 400;
        final int yearOfEra = marchYear - era * 400;
        final int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        final int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468L;
    }

    /**
     * @return whether the column's cell is {@code letters} upper-case ASCII letters.
     */
    private boolean isCode(final int column, final int letters)
    {
        final int start = textStart[column];
        final int end = textEnd[column];
        if (end - start != letters)
        {
            return false;
        }
        for (int i = start; i < end; i++)
        {
            if (line[i] < 'A' || line[i] > 'Z')
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the index of the name the column's cell is, in any case of ASCII letters; {@code defaultChoice} for an
     * empty cell or a column the header lacks; {@link #NO_CHOICE} for anything else.
     */
    private int choice(final int column, final byte[][] names, final int defaultChoice)
    {
        final int start = textStart[column];
        final int length = textEnd[column] - start;
        if (length == 0)
        {
            return defaultChoice;
        }
        for (int n = 0; n < names.length; n++)
        {
            if (names[n].length == length && equalsIgnoringCase(names[n], start))
            {
                return n;
            }
        }
        return NO_CHOICE;
    }

    /**
     * @param lowerCaseName a name of lower-case ASCII letters only: for those, a byte with bit 5 set is the letter in
     *                      either case and nothing else.
     */
    private boolean equalsIgnoringCase(final byte[] lowerCaseName, final int start)
    {
        final byte[] bytes = line;
        int i = 0;
        for (; i <= lowerCaseName.length - Long.BYTES && start + i <= bytes.length - Long.BYTES; i += Long.BYTES)
        {
            if (((long)LONGS.get(bytes, start + i) | CASE_BITS) != (long)LONGS.get(lowerCaseName, i))
            {
                return false;
            }
        }
        for (; i < lowerCaseName.length; i++)
        {
            if ((bytes[start + i] | 0x20) != lowerCaseName[i])
            {
                return false;
            }
        }
        return true;
    }

    private static byte[][] ascii(final String... names)
    {
        final byte[][] bytes = new byte[names.length][];
        for (int i = 0; i < names.length; i++)
        {
            bytes[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return bytes;
    }

    private long time(final String[] cells, final int lineNumber)
    {
        final String value = text(cells, "event_time", lineNumber);
        try
        {
            return Long.parseLong(value);
        }
        catch (final NumberFormatException notNanos)
        {
            try
            {
                final Instant instant = Instant.parse(value);
                return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
            }
            catch (final DateTimeParseException | ArithmeticException ex)
            {
                throw invalid(lineNumber, "event_time", value,
                    "an ISO-8601 instant like 2026-01-01T00:00:00Z or epoch nanoseconds");
            }
        }
    }

    private long number(final String[] cells, final String column, final int lineNumber)
    {
        final String value = text(cells, column, lineNumber);
        try
        {
            final long number = Long.parseLong(value);
            if (number < 0)
            {
                throw invalid(lineNumber, column, value, "a whole number, not negative");
            }
            return number;
        }
        catch (final NumberFormatException ex)
        {
            throw invalid(lineNumber, column, value, "a whole number, not negative");
        }
    }

    private String code(final String[] cells, final String column, final int letters, final int lineNumber)
    {
        final String value = text(cells, column, lineNumber);
        if (value.length() != letters || !value.chars().allMatch(c -> c >= 'A' && c <= 'Z'))
        {
            throw invalid(lineNumber, column, value, letters + " upper-case letters");
        }
        return value;
    }

    private String choice(
        final String[] cells,
        final String column,
        final String defaultValue,
        final int lineNumber,
        final String... allowed)
    {
        final Integer index = columnIndex.get(column);
        final String value = index == null || index >= cells.length ? "" : cells[index].trim();
        if (value.isEmpty() && defaultValue != null)
        {
            return defaultValue.toUpperCase(Locale.ROOT);
        }
        for (final String option : allowed)
        {
            if (option.equalsIgnoreCase(value))
            {
                return option.toUpperCase(Locale.ROOT);
            }
        }
        throw invalid(lineNumber, column, value, String.join(", ", allowed));
    }

    private String text(final String[] cells, final String column, final int lineNumber)
    {
        final Integer index = columnIndex.get(column);
        if (index == null)
        {
            throw new ConfigException(source + ":" + lineNumber + ": column '" + column + "' is needed here but " +
                "the header has none");
        }
        final String value = index < cells.length ? cells[index].trim() : "";
        if (value.isEmpty())
        {
            throw invalid(lineNumber, column, value, "a value");
        }
        return value;
    }

    private ConfigException invalid(
        final int lineNumber, final String column, final String value, final String allowed)
    {
        return new ConfigException(
            source + ":" + lineNumber + ": column '" + column + "' has '" + value + "'; allowed: " + allowed);
    }
}
