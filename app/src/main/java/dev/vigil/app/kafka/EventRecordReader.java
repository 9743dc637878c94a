package dev.vigil.app.kafka;

import dev.vigil.app.audit.CsvEventReader;
import dev.vigil.app.config.ConfigException;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.InboundFrameValidator;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.RejectReason;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns the value of one Kafka record into the event frame the source sends: in the {@code json} format a flat JSON
 * object with the columns of the events CSV as members (read by the same {@link CsvEventReader} as {@code vigil
 * replay} and {@code journal import}, so the same values are allowed and the same defaults apply), in the {@code sbe}
 * format the bytes of a {@code Transaction}, {@code Order} or {@code Heartbeat} as a client would send them.
 * A value that cannot be read is reported with a {@link BadRecordException} saying why; nothing is thrown for
 * anything else.
 */
final class EventRecordReader
{
    private static final int MAX_READERS = 64;
    private static final String SOURCE = "record";

    private final KafkaFormat format;
    private final InboundFrameValidator validator;
    private final UnsafeBuffer valueBuffer = new UnsafeBuffer(new byte[0]);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    /** A reader per order of members seen, as a CSV header would be; JSON writers keep one order per producer. */
    private final Map<String, CsvEventReader> readersByMembers = new HashMap<>();

    /**
     * @param format         how record values are encoded.
     * @param maxFrameLength the longest frame the engine takes.
     */
    EventRecordReader(final KafkaFormat format, final int maxFrameLength)
    {
        this.format = format;
        this.validator = new InboundFrameValidator(maxFrameLength);
    }

    /**
     * @param value     the record's value.
     * @param clientId  the client id to put in the frame.
     * @param clientSeq the client sequence to put in the frame.
     * @param buffer    where the frame goes, from index 0.
     * @return the frame's length.
     * @throws BadRecordException when the value is not an event.
     */
    int read(final byte[] value, final long clientId, final long clientSeq, final MutableDirectBuffer buffer)
    {
        if (value == null || value.length == 0)
        {
            throw new BadRecordException(BadRecordException.Reason.UNPARSEABLE, "the record has no value");
        }
        return format == KafkaFormat.SBE ? readSbe(value, buffer) : readJson(value, clientId, clientSeq, buffer);
    }

    private int readSbe(final byte[] value, final MutableDirectBuffer buffer)
    {
        valueBuffer.wrap(value);
        final RejectReason reason = validator.validate(valueBuffer, 0, value.length);
        if (reason != null)
        {
            throw new BadRecordException(BadRecordException.Reason.BAD_SBE,
                "not a frame the engine takes: " + reason);
        }
        final int templateId = header.wrap(valueBuffer, 0).templateId();
        if (!InboundFrameValidator.isEventTemplate(templateId))
        {
            throw new BadRecordException(BadRecordException.Reason.BAD_SBE,
                "template " + templateId + " is not a Transaction, Order or Heartbeat");
        }
        if (value.length > VigilClient.MAX_ENCODED_EVENT_LENGTH)
        {
            throw new BadRecordException(BadRecordException.Reason.BAD_SBE,
                value.length + " bytes; an event frame has at most " + VigilClient.MAX_ENCODED_EVENT_LENGTH);
        }
        buffer.putBytes(0, value);
        return value.length;
    }

    private int readJson(
        final byte[] value, final long clientId, final long clientSeq, final MutableDirectBuffer buffer)
    {
        final Map<String, String> members;
        try
        {
            members = FlatJson.parse(value, 0, value.length);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new BadRecordException(BadRecordException.Reason.UNPARSEABLE, "not a flat JSON object: " +
                ex.getMessage());
        }
        final StringBuilder names = new StringBuilder();
        final StringBuilder cells = new StringBuilder();
        for (final Map.Entry<String, String> member : members.entrySet())
        {
            final String cell = member.getValue();
            if (member.getKey().indexOf(',') >= 0 || cell.indexOf(',') >= 0 || cell.indexOf('\n') >= 0 ||
                cell.indexOf('\r') >= 0)
            {
                throw new BadRecordException(BadRecordException.Reason.INVALID_EVENT,
                    "member '" + member.getKey() + "' holds a comma or a line break");
            }
            if (names.length() > 0)
            {
                names.append(',');
                cells.append(',');
            }
            names.append(member.getKey());
            cells.append(cell);
        }
        try
        {
            return reader(names.toString()).encode(1, cells.toString(), clientId, clientSeq, buffer);
        }
        catch (final ConfigException ex)
        {
            throw new BadRecordException(BadRecordException.Reason.INVALID_EVENT, inJsonTerms(ex.getMessage()));
        }
    }

    private CsvEventReader reader(final String names)
    {
        CsvEventReader reader = readersByMembers.get(names);
        if (reader == null)
        {
            if (readersByMembers.size() >= MAX_READERS)
            {
                readersByMembers.clear();
            }
            reader = new CsvEventReader(SOURCE, names);
            readersByMembers.put(names, reader);
        }
        return reader;
    }

    /**
     * The events CSV reader speaks of lines and columns; a record has members.
     */
    private static String inJsonTerms(final String message)
    {
        String text = message;
        if (text.startsWith(SOURCE + ":"))
        {
            final int colon = text.indexOf(": ", SOURCE.length() + 1);
            text = colon < 0 ? text : text.substring(colon + 2);
        }
        return text
            .replace("unknown column", "unknown member")
            .replace("missing column", "missing member")
            .replace("known columns", "known members")
            .replace("the header has none", "the record has none")
            .replace("column '", "member '");
    }
}
