package dev.vigil.app.kafka;

import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventRecordReaderTest
{
    private final EventRecordReader json = new EventRecordReader(KafkaFormat.JSON, 1024);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);

    @Test
    void readsATransactionWithNumbersOrStringsInAnyOrder()
    {
        final int length = json.read(bytes("{ \"amount\": 1250, \"type\": \"transaction\", " +
            "\"event_time\": \"2026-01-01T00:00:01Z\", \"account\": \"42\", \"card\": 7, \"merchant\": 9, " +
            "\"currency\": \"EUR\", \"country\": \"DE\", \"channel\": \"pos\" }"), 77, 5, buffer);

        final TransactionDecoder transaction =
            new TransactionDecoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
        assertEquals(length, MessageHeaderDecoder.ENCODED_LENGTH + transaction.encodedLength());
        assertEquals(77, transaction.clientId());
        assertEquals(5, transaction.clientSeq());
        assertEquals(1_767_225_601_000_000_000L, transaction.eventTimeNs());
        assertEquals(42, transaction.accountId());
        assertEquals(1250, transaction.amountMinor());
        assertEquals("EUR", transaction.currency());
        assertEquals(PaymentChannel.POS, transaction.channel());
    }

    @Test
    void readsAnOrderWithEscapesAndNullsAsDefaults()
    {
        json.read(bytes("{\"event_time\":5,\"type\":\"ord\\u0065r\",\"account\":1,\"instrument\":2,\"side\":\"sell\"," +
            "\"price\":100,\"quantity\":3,\"order_type\":null}"), 1, 1, buffer);

        final OrderDecoder order = new OrderDecoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
        assertEquals(Side.SELL, order.side());
        assertEquals(100, order.price());
        assertEquals(dev.vigil.codecs.OrderType.LIMIT, order.orderType());
    }

    @Test
    void namesWhatIsWrongWithABadRecord()
    {
        assertBad(BadRecordException.Reason.UNPARSEABLE, "not a flat JSON object", "{\"event_time\": 1,");
        assertBad(BadRecordException.Reason.UNPARSEABLE, "holds an object or array", "{\"type\": [1]}");
        assertBad(BadRecordException.Reason.UNPARSEABLE, "appears twice", "{\"type\": 1, \"type\": 2}");
        assertBad(BadRecordException.Reason.INVALID_EVENT, "member 'amount' is needed here but the record has none",
            "{\"event_time\":1,\"type\":\"transaction\",\"account\":1,\"card\":1,\"merchant\":1," +
            "\"currency\":\"EUR\",\"country\":\"DE\"}");
        assertBad(BadRecordException.Reason.INVALID_EVENT, "unknown member 'colour'",
            "{\"event_time\":1,\"type\":\"heartbeat\",\"colour\":\"red\"}");
        assertBad(BadRecordException.Reason.INVALID_EVENT, "member 'currency' has 'eur'; allowed: 3 upper-case",
            "{\"event_time\":1,\"type\":\"transaction\",\"account\":1,\"card\":1,\"merchant\":1,\"amount\":1," +
            "\"currency\":\"eur\",\"country\":\"DE\"}");
        assertBad(BadRecordException.Reason.UNPARSEABLE, "no value", "");
        for (final String notANumber : new String[]{"01", "1.", "-", "1e", "1.5e+", "--1", "1-2", "tru"})
        {
            assertBad(BadRecordException.Reason.UNPARSEABLE, "not a string, number",
                "{\"event_time\":" + notANumber + "}");
        }
        assertBad(BadRecordException.Reason.INVALID_EVENT, "member 'event_time' has '-1.5e3'",
            "{\"event_time\":-1.5e3,\"type\":\"heartbeat\"}");
    }

    @Test
    void takesSbeEventFramesAsTheyAreAndRefusesOthers()
    {
        final int length = json.read(bytes("{\"event_time\":1,\"type\":\"heartbeat\"}"), 3, 9, buffer);
        final byte[] heartbeat = new byte[length];
        buffer.getBytes(0, heartbeat);
        final EventRecordReader sbe = new EventRecordReader(KafkaFormat.SBE, 1024);
        assertEquals(length, sbe.read(heartbeat, 0, 0, buffer));

        final BadRecordException tooShort = assertThrows(BadRecordException.class,
            () -> sbe.read(new byte[]{1, 2, 3}, 0, 0, buffer));
        assertEquals(BadRecordException.Reason.BAD_SBE, tooShort.reason());
        assertTrue(tooShort.getMessage().contains("FRAME_TOO_SHORT"), tooShort.getMessage());
    }

    private void assertBad(final BadRecordException.Reason reason, final String message, final String value)
    {
        final BadRecordException bad = assertThrows(BadRecordException.class,
            () -> json.read(bytes(value), 1, 1, buffer));
        assertEquals(reason, bad.reason(), bad.getMessage());
        assertTrue(bad.getMessage().contains(message), bad.getMessage());
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
