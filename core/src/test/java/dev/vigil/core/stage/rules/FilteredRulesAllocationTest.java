package dev.vigil.core.stage.rules;

import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderEncoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.TransactionEncoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.counters.TestCounters;
import dev.vigil.core.dedup.DecisionDedup;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.rules.config.RuleSetBuilder;
import dev.vigil.core.rules.config.RulesFile;
import dev.vigil.core.window.EventTimeWindows;
import dev.vigil.core.window.SourceWatermarks;
import dev.vigil.core.window.WindowSink;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;

import static dev.vigil.core.counters.EngineCounter.RULE_STATE_FULL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rules an analyst writes — threshold rules of every aggregate, each behind a where: of fields, sets, arithmetic and
 * the outcome of earlier rules, and a window behind one — allocate nothing per event in the rules stage's steady
 * state, with their state in the shared keyed records: the conditions and values are trees of nodes built at load,
 * the aggregates work in the records.
 */
@Timeout(120)
class FilteredRulesAllocationTest
{
    private static final int KEYS = 4_096;
    private static final long CLIENT_ID = 3;
    private static final int WARMUP_EVENTS = 200_000;
    private static final int MEASURED_EVENTS = 1_000_000;
    // One allocation per event would be >= 16 MB here; a one-off kilobyte is not a steady-state cost.
    private static final long MAX_ALLOCATED_BYTES = 16 * 1024;
    private static final ByteOrder ORDER = TransactionDecoder.BYTE_ORDER;
    private static final int HEADER = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final String RULES = "rules:\n" +
        "  - {id: 0, name: big, type: amount-threshold, parameters: {max-amount: 900000}, action: decline}\n" +
        "  - {id: 1, name: atm-abroad, type: threshold, key: card, where: 'channel == ATM and country != GB',\n" +
        "     window: {size: 1h, slide: 1m}, aggregate: count, above: 1, action: review}\n" +
        "  - {id: 2, name: spend, type: threshold, key: account,\n" +
        "     where: 'currency in [EUR, USD] or not (amount < 100)',\n" +
        "     window: {size: 1h, slide: 1m}, aggregate: sum, value: amount, above: 2000000, action: review}\n" +
        "  - {id: 3, name: small, type: threshold, key: merchant, where: amount > 0, window: {size: 1m, slide: 1s},\n" +
        "     aggregate: min, value: amount, below: 10, action: alert_only}\n" +
        "  - {id: 4, name: held-max, type: threshold, key: account, where: 'fired(big) or verdict >= review',\n" +
        "     window: {size: 1m, slide: 1s}, aggregate: max, value: amount * 2, above: 1000000, action: decline}\n" +
        "  - {id: 5, name: mean, type: threshold, key: card, where: 'channel in [POS, ECOM, ATM]',\n" +
        "     window: {size: 10m, slide: 10s}, aggregate: mean, value: amount, at-least: 90000, action: review}\n" +
        "  - {id: 6, name: countries, type: threshold, key: account, where: amount >= 1.00,\n" +
        "     window: {size: 1h, slide: 1m}, aggregate: distinct-count, value: country, above: 2, action: review}\n" +
        "  - {id: 7, name: sells, type: threshold, input: orders, key: instrument, where: 'side == SELL',\n" +
        "     window: {size: 1m, slide: 1s}, aggregate: sum, value: price * quantity, above: 1000000000,\n" +
        "     action: decline}\n" +
        "windows:\n" +
        "  - {id: 0, name: atm-cash, type: tumbling, key: merchant, size: 10m, where: channel == ATM}\n";
    private static final String[] COUNTRIES = {"GB", "FR", "DE", "IT"};
    private static final String[] CURRENCIES = {"EUR", "GBP", "USD"};
    private static final PaymentChannel[] CHANNELS = {PaymentChannel.ATM, PaymentChannel.POS, PaymentChannel.ECOM};
    private static final long[] AMOUNTS = {5, 2_500, 95_000, 1_000_000};

    private final UnsafeBuffer[] transactions = new UnsafeBuffer[64];
    private final UnsafeBuffer[] orders = new UnsafeBuffer[2];
    private final RingEvent event = new RingEvent(256);
    private int transactionLength;
    private int orderLength;
    private long seq;
    private long fired;

    @Test
    void filteredThresholdRulesAndWindowsAllocateNothingPerEvent() throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported(), "thread allocation accounting unsupported");
        threads.setThreadAllocatedMemoryEnabled(true);

        final EngineCounters counters = TestCounters.engineCounters();
        final RuleSet rules = new RuleSetBuilder(KEYS).build(RulesFile.parse("test", RULES), null);
        final EventTimeWindows windows = new EventTimeWindows(rules.windows(),
            new SourceWatermarks(1_000_000_000L, Long.MAX_VALUE, 4));
        windows.sink(WindowSink.NONE);
        encodeFrames();
        try (KeyedStateStores stores = new KeyedStateStores(rules, KEYS, 4_096, KeyedStateStores.inMemory()))
        {
            final RulesHandler stage = new RulesHandler(new RuleEvaluator(rules, Verdict.REVIEW),
                new DecisionDedup(1024), counters, new CachedNanoClock(), windows, null);
            stage.keyedState(stores);

            for (int i = 0; i < WARMUP_EVENTS; i++)
            {
                drive(stage, i);
            }
            assertEquals(0b1111_1111L, fired, "every rule fired at some point");
            threads.getCurrentThreadAllocatedBytes();
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < MEASURED_EVENTS; i++)
            {
                drive(stage, i);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            assertEquals(0, counters.get(RULE_STATE_FULL).get());
            assertTrue(allocated < MAX_ALLOCATED_BYTES, "allocated " + allocated + " bytes over " + MEASURED_EVENTS +
                " events (" + ((double)allocated / MEASURED_EVENTS) + " B/event)");
        }
    }

    /** Event i: a transaction of one of 64 kinds, or every eighth an order, of key i mod KEYS, 50 ms apart. */
    private void drive(final RulesHandler stage, final int i)
    {
        final long timeNs = ++seq * 50_000_000L;
        final long key = 1 + i % KEYS;
        final boolean isOrder = (i & 7) == 7;
        final UnsafeBuffer frame =
            isOrder ? orders[(i >>> 3) & 1] : transactions[(int)(i * 0x9E3779B97F4A7C15L >>> 58)];
        if (isOrder)
        {
            frame.putLong(HEADER + OrderDecoder.clientSeqEncodingOffset(), seq, ORDER);
            frame.putLong(HEADER + OrderDecoder.eventTimeNsEncodingOffset(), timeNs, ORDER);
            frame.putLong(HEADER + OrderDecoder.accountIdEncodingOffset(), key, ORDER);
        }
        else
        {
            frame.putLong(HEADER + TransactionDecoder.clientSeqEncodingOffset(), seq, ORDER);
            frame.putLong(HEADER + TransactionDecoder.eventTimeNsEncodingOffset(), timeNs, ORDER);
            frame.putLong(HEADER + TransactionDecoder.accountIdEncodingOffset(), key, ORDER);
            frame.putLong(HEADER + TransactionDecoder.cardIdEncodingOffset(), key * 10 + 1, ORDER);
        }
        event.resetForFrame(FrameKind.EVENT, frame, 0, isOrder ? orderLength : transactionLength, 1, seq, timeNs);
        event.identify(isOrder ? OrderDecoder.TEMPLATE_ID : TransactionDecoder.TEMPLATE_ID, CLIENT_ID, seq);
        stage.onEvent(event, seq, true);
        fired |= event.firedRules();
    }

    private void encodeFrames()
    {
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final TransactionEncoder transaction = new TransactionEncoder();
        for (int i = 0; i < transactions.length; i++)
        {
            transactions[i] = new UnsafeBuffer(new byte[256]);
            transaction.wrapAndApplyHeader(transactions[i], 0, header)
                .clientId(CLIENT_ID).clientSeq(0).eventTimeNs(0).clientSendTimeNs(0).txnId(i).accountId(1).cardId(11)
                .merchantId(1 + i % 5).amountMinor(AMOUNTS[i % AMOUNTS.length])
                .currency(CURRENCIES[(i / 4) % CURRENCIES.length]).country(COUNTRIES[(i / 3) % COUNTRIES.length])
                .channel(CHANNELS[(i / 7) % CHANNELS.length]);
            transactionLength = HEADER + transaction.encodedLength();
        }
        final OrderEncoder order = new OrderEncoder();
        for (int i = 0; i < orders.length; i++)
        {
            orders[i] = new UnsafeBuffer(new byte[256]);
            order.wrapAndApplyHeader(orders[i], 0, header)
                .clientId(CLIENT_ID).clientSeq(0).eventTimeNs(0).clientSendTimeNs(0).orderId(i).accountId(1)
                .instrumentId(5).price(20_000).quantity(1_000).side(i == 0 ? Side.SELL : Side.BUY)
                .orderType(OrderType.LIMIT);
            orderLength = HEADER + order.encodedLength();
        }
    }
}
