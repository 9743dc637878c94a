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

import java.time.Instant;
import java.time.format.DateTimeParseException;
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
 */
public final class CsvEventReader
{
    /** Every column the format knows. */
    public static final List<String> COLUMNS = List.of(
        "event_time", "type", "account", "card", "merchant", "amount", "currency", "country", "channel",
        "instrument", "side", "order_type", "price", "quantity");

    private final String source;
    private final Map<String, Integer> columnIndex = new HashMap<>();
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
        for (final String required : List.of("event_time", "type"))
        {
            if (!columnIndex.containsKey(required))
            {
                throw new ConfigException(source + ":1: missing column '" + required + "'");
            }
        }
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
