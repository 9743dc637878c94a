package dev.vigil.app.kafka;

import dev.vigil.app.EngineHarness;
import dev.vigil.app.TestRules;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.TransactionEncoder;
import dev.vigil.codecs.Verdict;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.vigil.app.kafka.KafkaTestSupport.LARGE_AMOUNT;
import static dev.vigil.app.kafka.KafkaTestSupport.amount;
import static dev.vigil.app.kafka.KafkaTestSupport.header;
import static dev.vigil.app.kafka.KafkaTestSupport.record;
import static dev.vigil.app.kafka.KafkaTestSupport.text;
import static dev.vigil.app.kafka.KafkaTestSupport.transaction;
import static dev.vigil.core.counters.EngineCounter.EVENTS_EVALUATED;
import static dev.vigil.core.counters.EngineCounter.REJECTS_STALE_SEQUENCE;
import static dev.vigil.core.counters.EngineCounter.RETRIES_ANSWERED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class KafkaSourceTest
{
    @TempDir
    static Path brokerDir;

    private static LocalKafkaBroker broker;

    @TempDir
    Path dataDir;

    private final ReconnectingAeron aeron = new ReconnectingAeron(5_000, System.err);

    @BeforeAll
    static void startBroker()
    {
        broker = LocalKafkaBroker.start(brokerDir);
    }

    @AfterEach
    void closeAeron()
    {
        aeron.close();
    }

    @AfterAll
    static void stopBroker()
    {
        if (broker != null)
        {
            broker.close();
        }
    }

    @Test
    void decidesEveryRecordOnceAndWritesDecisionsAndDeadLettersInTransactions()
    {
        final String bootstrap = broker.bootstrapServers();
        KafkaTestSupport.createTopic(bootstrap, "payments", 2);
        KafkaTestSupport.createTopic(bootstrap, "payments-decisions", 1);
        KafkaTestSupport.createTopic(bootstrap, "payments-dead", 1);
        final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        final int events = 200;
        for (int i = 0; i < events; i++)
        {
            records.add(record("payments", i % 2, "k" + i, transaction(i)));
        }
        records.add(record("payments", 0, "bad-json", "{\"event_time\": 1, "));
        records.add(record("payments", 1, "bad-field", "{\"event_time\":1,\"type\":\"transaction\",\"account\":1}"));
        records.add(record("payments", 0, "refused", "{\"event_time\":1,\"type\":\"order\",\"account\":1," +
            "\"instrument\":2,\"side\":\"buy\",\"price\":100,\"quantity\":0}"));
        KafkaTestSupport.produce(bootstrap, "payments", records);

        try (EngineHarness engine = EngineHarness.start(
            dataDir, TestRules.setting(dataDir, "rules.yaml", TestRules.amountThreshold(LARGE_AMOUNT))))
        {
            final KafkaCounters counters = new KafkaCounters(KafkaCounters.Role.SOURCE);
            try (KafkaSource source = KafkaTestSupport.startSource(bootstrap, KafkaTestSupport.sourceSettings(
                "payments", "payments-decisions", "payments-dead", 64), () -> engine, counters, aeron))
            {
                KafkaTestSupport.runUntil(source::doWork,
                    () -> counters.get(KafkaCounters.Counter.SOURCE_DECIDED) +
                    counters.get(KafkaCounters.Counter.SOURCE_BAD_UNPARSEABLE) +
                    counters.get(KafkaCounters.Counter.SOURCE_BAD_INVALID_EVENT) +
                    counters.get(KafkaCounters.Counter.SOURCE_BAD_REJECTED) == events + 3, 60_000);
                assertTrue(source.drain(10 * KafkaTestSupport.SECOND_NS));
            }

            assertEquals(events, engine.engine().counters().get(EVENTS_EVALUATED).get());
            assertEquals(0, engine.engine().counters().get(RETRIES_ANSWERED).get());
            final Map<String, String> verdictByKey = new HashMap<>();
            for (final ConsumerRecord<byte[], byte[]> decision :
                KafkaTestSupport.readCommitted(bootstrap, "payments-decisions"))
            {
                final String json = text(decision.value());
                final String key = text(decision.key());
                assertEquals(null, verdictByKey.put(key, json.contains("\"verdict\":\"DECLINE\"") ?
                    "DECLINE" : "APPROVE"), "one decision per record: " + key);
                assertTrue(json.contains("\"offset\":" + header(decision, KafkaSource.SOURCE_OFFSET_HEADER)), json);
            }
            assertEquals(events, verdictByKey.size());
            for (int i = 0; i < events; i++)
            {
                assertEquals(amount(i) > LARGE_AMOUNT ? "DECLINE" : "APPROVE", verdictByKey.get("k" + i), "k" + i);
            }

            final Map<String, String> reasonByKey = new HashMap<>();
            for (final ConsumerRecord<byte[], byte[]> dead : KafkaTestSupport.readCommitted(bootstrap, "payments-dead"))
            {
                reasonByKey.put(text(dead.key()), header(dead, KafkaSource.ERROR_REASON_HEADER) + ": " +
                    header(dead, KafkaSource.ERROR_MESSAGE_HEADER));
            }
            assertEquals(3, reasonByKey.size(), reasonByKey.toString());
            assertTrue(reasonByKey.get("bad-json").startsWith("UNPARSEABLE"), reasonByKey.toString());
            assertTrue(reasonByKey.get("bad-field").startsWith("INVALID_EVENT"), reasonByKey.toString());
            assertTrue(reasonByKey.get("refused").startsWith("REJECTED: the engine refused it: INVALID_FIELD"),
                reasonByKey.toString());
        }
    }

    @Test
    void resumesFromTheCommittedOffsetsAfterAStopWithoutCommitNeitherLosingNorRepeating()
    {
        final String bootstrap = broker.bootstrapServers();
        KafkaTestSupport.createTopic(bootstrap, "orders", 1);
        KafkaTestSupport.createTopic(bootstrap, "orders-decisions", 1);
        final int events = 400;
        final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events; i++)
        {
            records.add(record("orders", 0, "k" + i, transaction(i)));
        }
        KafkaTestSupport.produce(bootstrap, "orders", records);

        try (EngineHarness engine = EngineHarness.start(
            dataDir, TestRules.setting(dataDir, "rules.yaml", TestRules.amountThreshold(LARGE_AMOUNT))))
        {
            // A long commit interval: commits come only when half the window is decided (128 records), while
            // answers are taken 64 at a time, so the stop leaves decided records that were never committed.
            final SourceSettings settings = new SourceSettings("orders", KafkaFormat.JSON, "orders-decisions", null,
                "vigil-source-orders", "vigil-source-orders", KafkaClientIds.DEFAULT_BASE, 256, 512,
                3_600 * KafkaTestSupport.SECOND_NS, 10 * KafkaTestSupport.SECOND_NS, 100_000_000L, 64);
            final KafkaCounters first = new KafkaCounters(KafkaCounters.Role.SOURCE);
            try (KafkaSource source = KafkaTestSupport.startSource(bootstrap, settings, () -> engine, first, aeron))
            {
                KafkaTestSupport.runUntil(source::doWork,
                    () -> first.get(KafkaCounters.Counter.SOURCE_DECIDED) >= 150 &&
                    first.get(KafkaCounters.Counter.SOURCE_DECIDED) >
                    first.get(KafkaCounters.Counter.SOURCE_DECISIONS_OUT), 60_000);
            }
            final long committedByFirst = first.get(KafkaCounters.Counter.SOURCE_DECISIONS_OUT);
            assertTrue(first.get(KafkaCounters.Counter.SOURCE_DECIDED) > committedByFirst,
                "decided and not committed at the stop: " + first.statusLine());

            // The second at a bounded rate: the same records decided, each once.
            final KafkaCounters second = new KafkaCounters(KafkaCounters.Role.SOURCE);
            try (KafkaSource source = KafkaTestSupport.startSource(bootstrap, settings.withMaxRate(2_000),
                () -> engine, second, aeron))
            {
                KafkaTestSupport.runUntil(source::doWork,
                    () -> second.get(KafkaCounters.Counter.SOURCE_DECIDED) == events - committedByFirst, 60_000);
                assertTrue(source.drain(10 * KafkaTestSupport.SECOND_NS));
            }

            assertEquals(events, engine.engine().counters().get(EVENTS_EVALUATED).get(), "each evaluated once");
            assertTrue(engine.engine().counters().get(RETRIES_ANSWERED).get() > 0,
                "what the first source sent after its last commit was answered from the retry table");
            final Map<String, Integer> decisionsByKey = new HashMap<>();
            for (final ConsumerRecord<byte[], byte[]> decision :
                KafkaTestSupport.readCommitted(bootstrap, "orders-decisions"))
            {
                decisionsByKey.merge(text(decision.key()), 1, Integer::sum);
            }
            assertEquals(events, decisionsByKey.size());
            decisionsByKey.forEach((key, count) -> assertEquals(1, count, key));
        }
    }
    @Test
    void stopsWithTheEnginesRefusalWhenItsRetryTableIsSmallerThanTheWindowItResendsCommittingNothing()
    {
        final String bootstrap = broker.bootstrapServers();
        KafkaTestSupport.createTopic(bootstrap, "stale", 1);
        KafkaTestSupport.createTopic(bootstrap, "stale-decisions", 1);
        final int events = 400;
        final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events; i++)
        {
            records.add(record("stale", 0, "k" + i, transaction(i)));
        }
        KafkaTestSupport.produce(bootstrap, "stale", records);

        // The source assumes a retry table of 256 sequences; the engine keeps 16.
        try (EngineHarness engine = EngineHarness.start(
            dataDir, TestRules.setting(dataDir, "rules.yaml", TestRules.amountThreshold(LARGE_AMOUNT)),
            "dedup.window=16"))
        {
            final SourceSettings settings = new SourceSettings("stale", KafkaFormat.JSON, "stale-decisions", null,
                "vigil-source-stale", "vigil-source-stale", KafkaClientIds.DEFAULT_BASE, 256, 512,
                3_600 * KafkaTestSupport.SECOND_NS, 10 * KafkaTestSupport.SECOND_NS, 100_000_000L, 64);
            final KafkaCounters first = new KafkaCounters(KafkaCounters.Role.SOURCE);
            try (KafkaSource source = KafkaTestSupport.startSource(bootstrap, settings, () -> engine, first, aeron))
            {
                KafkaTestSupport.runUntil(source::doWork,
                    () -> first.get(KafkaCounters.Counter.SOURCE_DECIDED) >= 150 &&
                    first.get(KafkaCounters.Counter.SOURCE_DECIDED) >
                    first.get(KafkaCounters.Counter.SOURCE_DECISIONS_OUT) + 16, 60_000);
            }
            // Requests the first source sent may still be on their way through the engine when it closes: each is
            // decided once, before the second source starts.
            assertEquals(0, first.get(KafkaCounters.Counter.SOURCE_RESENT), first.statusLine());
            final long sent = first.get(KafkaCounters.Counter.SOURCE_SENT);
            KafkaTestSupport.runUntil(() -> { },
                () -> engine.engine().counters().get(EVENTS_EVALUATED).get() >= sent, 30_000);
            final long evaluated = engine.engine().counters().get(EVENTS_EVALUATED).get();
            assertEquals(sent, evaluated, "each request the first source sent decided once");
            final long committed = first.get(KafkaCounters.Counter.SOURCE_DECISIONS_OUT);

            // The second at a bounded rate: the same records decided, each once.
            final KafkaCounters second = new KafkaCounters(KafkaCounters.Role.SOURCE);
            try (KafkaSource source = KafkaTestSupport.startSource(bootstrap, settings.withMaxRate(2_000),
                () -> engine, second, aeron))
            {
                final KafkaConnectorException stopped = assertThrows(KafkaConnectorException.class,
                    () -> KafkaTestSupport.runUntil(source::doWork, () -> false, 30_000));
                assertTrue(stopped.getMessage().contains("refused offset " + committed + " with STALE_SEQUENCE"),
                    stopped.getMessage());
            }
            assertEquals(0, second.get(KafkaCounters.Counter.SOURCE_COMMITS), second.statusLine());
            assertTrue(engine.engine().counters().get(REJECTS_STALE_SEQUENCE).get() >= 1);
            assertEquals(evaluated, engine.engine().counters().get(EVENTS_EVALUATED).get(),
                "nothing decided a second time");
            assertEquals(committed, KafkaTestSupport.readCommitted(bootstrap, "stale-decisions").size());
        }
    }

    @Test
    void opensANewSessionAndSendsAgainWhenTheEngineRestartsDecidingEachRecordOnce()
    {
        final String bootstrap = broker.bootstrapServers();
        KafkaTestSupport.createTopic(bootstrap, "restarts", 1);
        KafkaTestSupport.createTopic(bootstrap, "restarts-decisions", 1);
        KafkaTestSupport.createTopic(bootstrap, "restarts-dead", 1);
        final int events = 600;
        final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events; i++)
        {
            records.add(record("restarts", 0, "k" + i, transaction(i)));
        }
        KafkaTestSupport.produce(bootstrap, "restarts", records);
        final String rules = TestRules.setting(dataDir, "rules.yaml", TestRules.amountThreshold(LARGE_AMOUNT));

        final EngineHarness[] engine = {EngineHarness.start(dataDir, rules)};
        final SourceSettings settings = new SourceSettings("restarts", KafkaFormat.JSON, "restarts-decisions",
            "restarts-dead", "vigil-source-restarts", "vigil-source-restarts", KafkaClientIds.DEFAULT_BASE, 256, 512,
            50_000_000L, KafkaTestSupport.SECOND_NS, 100_000_000L, 64);
        final KafkaCounters counters = new KafkaCounters(KafkaCounters.Role.SOURCE);
        try (KafkaSource source = KafkaTestSupport.startSource(bootstrap, settings, () -> engine[0], counters, aeron))
        {
            KafkaTestSupport.runUntil(source::doWork,
                () -> counters.get(KafkaCounters.Counter.SOURCE_DECIDED) >= 200, 60_000);
            engine[0].close();
            engine[0] = EngineHarness.start(dataDir, rules);
            KafkaTestSupport.runUntil(source::doWork,
                () -> counters.get(KafkaCounters.Counter.SOURCE_DECIDED) == events, 60_000);
            assertTrue(source.drain(10 * KafkaTestSupport.SECOND_NS));
            assertTrue(counters.get(KafkaCounters.Counter.SOURCE_RECONNECTS) >= 1, counters.statusLine());
        }
        finally
        {
            engine[0].close();
        }

        assertEquals(0, KafkaTestSupport.readCommitted(bootstrap, "restarts-dead").size(), "nothing refused");
        final Map<String, String> verdictByKey = new HashMap<>();
        for (final ConsumerRecord<byte[], byte[]> decision :
            KafkaTestSupport.readCommitted(bootstrap, "restarts-decisions"))
        {
            assertEquals(null, verdictByKey.put(text(decision.key()),
                text(decision.value()).contains("\"verdict\":\"DECLINE\"") ? "DECLINE" : "APPROVE"));
        }
        for (int i = 0; i < events; i++)
        {
            assertEquals(amount(i) > LARGE_AMOUNT ? "DECLINE" : "APPROVE", verdictByKey.get("k" + i), "k" + i);
        }
        final Map<Long, Integer> evaluations = KafkaTestSupport.evaluationsInJournal(dataDir, rules);
        assertEquals(events, evaluations.size(), "every record evaluated, by the journal");
        evaluations.forEach((seq, count) -> assertEquals(1, count, "evaluations of client seq " + seq));
    }
    @Test
    void takesSbeFramesAsTheyAreAndWritesTheEnginesDecisionMessages()
    {
        final String bootstrap = broker.bootstrapServers();
        KafkaTestSupport.createTopic(bootstrap, "frames", 1);
        KafkaTestSupport.createTopic(bootstrap, "frames-decisions", 1);
        KafkaTestSupport.createTopic(bootstrap, "frames-dead", 1);
        final int events = 50;
        final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        for (int i = 0; i < events; i++)
        {
            // Whatever client id and sequence the producer wrote, the source sends its own.
            final TransactionEncoder transaction = new TransactionEncoder()
                .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                .clientId(999).clientSeq(7).eventTimeNs(KafkaTestSupport.BASE_TIME_NS + i).clientSendTimeNs(0)
                .txnId(i).accountId(i % 5).cardId(i % 5).merchantId(3).amountMinor(amount(i))
                .currency("EUR").country("DE").channel(PaymentChannel.POS);
            final byte[] frame = new byte[MessageHeaderEncoder.ENCODED_LENGTH + transaction.encodedLength()];
            buffer.getBytes(0, frame);
            records.add(new ProducerRecord<>("frames", 0, KafkaTestSupport.bytes("k" + i), frame));
        }
        records.add(new ProducerRecord<>("frames", 0, KafkaTestSupport.bytes("short"), new byte[]{1, 2, 3}));
        KafkaTestSupport.produce(bootstrap, "frames", records);

        try (EngineHarness engine = EngineHarness.start(
            dataDir, TestRules.setting(dataDir, "rules.yaml", TestRules.amountThreshold(LARGE_AMOUNT))))
        {
            final KafkaCounters counters = new KafkaCounters(KafkaCounters.Role.SOURCE);
            final SourceSettings settings = new SourceSettings("frames", KafkaFormat.SBE, "frames-decisions",
                "frames-dead", "vigil-source-frames", "vigil-source-frames", KafkaClientIds.DEFAULT_BASE, 64, 128,
                50_000_000L, 10 * KafkaTestSupport.SECOND_NS, 100_000_000L, 64);
            try (KafkaSource source = KafkaTestSupport.startSource(bootstrap, settings, () -> engine, counters, aeron))
            {
                KafkaTestSupport.runUntil(source::doWork, () -> counters.get(KafkaCounters.Counter.SOURCE_DECIDED) +
                    counters.get(KafkaCounters.Counter.SOURCE_BAD_SBE) == events + 1, 60_000);
                assertTrue(source.drain(10 * KafkaTestSupport.SECOND_NS));
            }
        }

        final DecisionDecoder decision = new DecisionDecoder();
        int decided = 0;
        for (final ConsumerRecord<byte[], byte[]> record :
            KafkaTestSupport.readCommitted(bootstrap, "frames-decisions"))
        {
            decision.wrapAndApplyHeader(new UnsafeBuffer(record.value()), 0, new MessageHeaderDecoder());
            final long offset = Long.parseLong(header(record, KafkaSource.SOURCE_OFFSET_HEADER));
            assertEquals(offset + 1, decision.clientSeq());
            assertEquals(KafkaClientIds.clientId(KafkaClientIds.DEFAULT_BASE, "frames", 0), decision.clientId());
            assertEquals(amount((int)offset) > LARGE_AMOUNT ? Verdict.DECLINE : Verdict.APPROVE, decision.verdict());
            decided++;
        }
        assertEquals(events, decided);
        final List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestSupport.readCommitted(bootstrap, "frames-dead");
        assertEquals(1, dead.size());
        assertEquals("BAD_SBE", header(dead.get(0), KafkaSource.ERROR_REASON_HEADER));
    }
}
