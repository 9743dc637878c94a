package dev.vigil.app.kafka;

import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.RejectReason;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.function.LongFunction;

/**
 * One partition of the input topic and the engine client that speaks for it: the records read and not yet committed,
 * in offset order, which of them wait to be sent, and which wait for an answer. Each record goes out under client
 * sequence offset + 1, so the engine's retry table answers a record sent again (after a restart of the source, or a
 * lost session) with the decision it made the first time.
 * <p>
 * A record is sent only while its offset is less than {@code dedupWindow} past the committed offset: after a crash
 * the source sends again from the committed offset, and the engine remembers the last {@code dedup.window}
 * sequences of each client; a sequence further back than that would be refused {@code STALE_SEQUENCE}, not answered.
 */
final class SourcePartition implements ReplyListener
{
    private final TopicPartition topicPartition;
    private final long clientId;
    private final LongFunction<VigilClient.Context> clientContexts;
    private final SourceSettings settings;
    private final KafkaCounters counters;
    private final OutputJson json = new OutputJson();
    private final ArrayDeque<SourceRecord> records = new ArrayDeque<>();
    private final ArrayDeque<SourceRecord> toSend = new ArrayDeque<>();
    private final Long2ObjectHashMap<SourceRecord> sentBySeq = new Long2ObjectHashMap<>();
    private final UnsafeBuffer frameBuffer = new UnsafeBuffer(new byte[0]);
    private VigilClient client;
    private long committedOffset;
    private long waitingSinceNs;
    private long nextConnectNs;
    private boolean everConnected;
    private String lastConnectFailure;
    private boolean paused;
    private long cycleNs;
    private long sendBudget = Long.MAX_VALUE;
    private boolean doneARecord;

    SourcePartition(
        final TopicPartition topicPartition,
        final long clientId,
        final LongFunction<VigilClient.Context> clientContexts,
        final SourceSettings settings,
        final KafkaCounters counters)
    {
        this.topicPartition = topicPartition;
        this.clientId = clientId;
        this.clientContexts = clientContexts;
        this.settings = settings;
        this.counters = counters;
    }

    TopicPartition topicPartition()
    {
        return topicPartition;
    }

    long clientId()
    {
        return clientId;
    }

    /**
     * @return the offset committed last: where a restarted source reads from.
     */
    long committedOffset()
    {
        return committedOffset;
    }

    boolean isPaused()
    {
        return paused;
    }

    void paused(final boolean paused)
    {
        this.paused = paused;
    }

    int buffered()
    {
        return records.size();
    }

    /**
     * @return the records read and not yet committed, in offset order.
     */
    ArrayDeque<SourceRecord> records()
    {
        return records;
    }

    /**
     * Start over from the committed offset: the records read after it are dropped, to be read again.
     *
     * @param offset the committed offset.
     */
    void resetTo(final long offset)
    {
        committedOffset = offset;
        records.clear();
        toSend.clear();
        sentBySeq.clear();
    }

    /**
     * @param record a record just read, in offset order.
     */
    void add(final SourceRecord record)
    {
        records.addLast(record);
        if (record.state == SourceRecord.WAITING)
        {
            toSend.addLast(record);
        }
        else
        {
            doneARecord = true;
        }
    }

    /**
     * @param sendBudget how many more records the partition may send; {@link Long#MAX_VALUE} for no limit.
     */
    void sendBudget(final long sendBudget)
    {
        this.sendBudget = sendBudget;
    }

    /**
     * @return how many more records the partition may send.
     */
    long sendBudget()
    {
        return sendBudget;
    }

    /**
     * @return true once a record of this partition is done: decided, refused, not an event, or a heartbeat sent.
     */
    boolean hasDoneARecord()
    {
        return doneARecord;
    }

    /**
     * @return where the next commit can put this partition's offset: the first record not done, or past the last.
     */
    long commitOffset()
    {
        for (final SourceRecord record : records)
        {
            if (record.state != SourceRecord.DONE)
            {
                return record.offset;
            }
        }
        return records.isEmpty() ? committedOffset : records.peekLast().offset + 1;
    }

    /**
     * @return true when the next record to send waits for a commit to move the window on.
     */
    boolean isWindowFull()
    {
        final SourceRecord next = toSend.peekFirst();
        return next != null && next.offset - committedOffset >= settings.window();
    }

    /**
     * The commit of everything before an offset succeeded: those records are finished.
     *
     * @param offset the offset committed.
     */
    void committed(final long offset)
    {
        while (!records.isEmpty() && records.peekFirst().offset < offset)
        {
            records.pollFirst();
        }
        committedOffset = offset;
    }

    /**
     * One duty cycle: make sure there is a session, send what the window allows, take the answers, and give up a
     * session that has gone quiet.
     *
     * @param nowNs the time now.
     * @return work done.
     */
    int doWork(final long nowNs)
    {
        cycleNs = nowNs;
        if (client == null)
        {
            if (toSend.isEmpty() || nowNs < nextConnectNs)
            {
                return 0;
            }
            if (!connect(nowNs))
            {
                return 0;
            }
        }
        int work = send(nowNs);
        work += client.poll(this, settings.fragmentLimit());
        if (!client.isConnected())
        {
            disconnect(nowNs, "the engine's ingress is out of reach");
            work++;
        }
        else if (!sentBySeq.isEmpty() && nowNs - waitingSinceNs > settings.answerTimeoutNs())
        {
            disconnect(nowNs, "no answer for " + settings.answerTimeoutNs() / 1_000_000 + " ms");
            work++;
        }
        return work;
    }

    /**
     * The engine is out of reach: the next duty cycle after a pause connects again and sends every record without
     * an answer again.
     *
     * @param nowNs the time now.
     * @param why   for the report.
     */
    void disconnect(final long nowNs, final String why)
    {
        closeClient();
        nextConnectNs = nowNs + settings.reconnectDelayNs();
        System.err.println("vigil kafka source: " + topicPartition + " (client " +
            Long.toUnsignedString(clientId) + "): " + why + "; connecting again");
        toSend.clear();
        for (final SourceRecord record : records)
        {
            if (record.state == SourceRecord.SENT)
            {
                record.state = SourceRecord.WAITING;
                counters.increment(KafkaCounters.Counter.SOURCE_RESENT);
            }
            if (record.state == SourceRecord.WAITING)
            {
                toSend.addLast(record);
            }
        }
        sentBySeq.clear();
    }

    void closeClient()
    {
        if (client != null)
        {
            try
            {
                client.close();
            }
            catch (final RuntimeException ex)
            {
                // The session is being given up either way.
            }
            client = null;
        }
    }

    @Override
    public void onDecision(final DecisionDecoder decision)
    {
        final SourceRecord record = sentBySeq.remove(decision.clientSeq());
        if (record == null)
        {
            return;
        }
        waitingSinceNs = cycleNs;
        if (settings.decisionsTopic() != null)
        {
            record.decision = settings.format() == KafkaFormat.JSON ?
                json.decision(decision, topicPartition.topic(), topicPartition.partition(), record.offset) :
                messageBytes(decision.buffer(), decision.offset(), decision.encodedLength());
        }
        record.state = SourceRecord.DONE;
        doneARecord = true;
        counters.increment(KafkaCounters.Counter.SOURCE_DECIDED);
    }

    @Override
    public void onReject(final RejectDecoder reject)
    {
        final SourceRecord record = sentBySeq.remove(reject.clientSeq());
        if (record == null)
        {
            return;
        }
        waitingSinceNs = cycleNs;
        final RejectReason reason = reject.reason();
        switch (reason)
        {
            case NOT_CONNECTED:
            case CLIENT_ID_MISMATCH:
                // The session, not the record: it stays to be sent again on a new session.
                disconnect(cycleNs, "the engine refused record " + record.offset + " (" + reason + ")");
                return;
            case STALE_SEQUENCE:
            case AUTHENTICATION_FAILED:
                // The record was decided beyond the engine's memory of it, or the client is not who it says: going
                // on would lose a decision or commit records no engine decided. Nothing is committed.
                throw new KafkaConnectorException(topicPartition + " (client " + Long.toUnsignedString(clientId) +
                    "): the engine refused offset " + record.offset + " with " + reason + (reason ==
                    RejectReason.STALE_SEQUENCE ? ": its dedup.window is smaller than this source's window; make " +
                    "them equal and start again" : ""));
            default:
                record.bad(BadRecordException.Reason.REJECTED, "the engine refused it: " + reason);
                doneARecord = true;
                counters.increment(KafkaCounters.Counter.SOURCE_BAD_REJECTED);
        }
    }

    private boolean connect(final long nowNs)
    {
        try
        {
            client = VigilClient.connect(clientContexts.apply(clientId));
            if (everConnected)
            {
                counters.increment(KafkaCounters.Counter.SOURCE_RECONNECTS);
            }
            everConnected = true;
            lastConnectFailure = null;
            waitingSinceNs = nowNs;
            return true;
        }
        catch (final RuntimeException ex)
        {
            client = null;
            nextConnectNs = nowNs + settings.reconnectDelayNs();
            final String failure = String.valueOf(ex.getMessage());
            if (!failure.equals(lastConnectFailure))
            {
                lastConnectFailure = failure;
                System.err.println("vigil kafka source: " + topicPartition + " (client " +
                    Long.toUnsignedString(clientId) + "): cannot open a session with the engine: " + failure +
                    "; trying again every " + settings.reconnectDelayNs() / 1_000_000 + " ms");
            }
            return false;
        }
    }

    private int send(final long nowNs)
    {
        int sent = 0;
        SourceRecord record;
        while (sendBudget > 0 && (record = toSend.peekFirst()) != null &&
            record.offset - committedOffset < settings.window())
        {
            frameBuffer.wrap(record.frame);
            final long result = client.sendEncoded(frameBuffer, 0, record.frame.length, record.clientSeq());
            if (result < 0)
            {
                break;
            }
            toSend.pollFirst();
            if (record.answered)
            {
                if (sentBySeq.isEmpty())
                {
                    waitingSinceNs = nowNs;
                }
                record.state = SourceRecord.SENT;
                sentBySeq.put(record.clientSeq(), record);
            }
            else
            {
                record.state = SourceRecord.DONE;
                doneARecord = true;
            }
            counters.increment(KafkaCounters.Counter.SOURCE_SENT);
            sendBudget--;
            sent++;
        }
        return sent;
    }

    private static byte[] messageBytes(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[MessageHeaderDecoder.ENCODED_LENGTH + length];
        buffer.getBytes(offset - MessageHeaderDecoder.ENCODED_LENGTH, bytes);
        return bytes;
    }
}
