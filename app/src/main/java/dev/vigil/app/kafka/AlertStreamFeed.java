package dev.vigil.app.kafka;

import dev.vigil.client.AlertListener;
import dev.vigil.client.AlertSubscriber;
import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.WindowResultDecoder;
import io.aeron.Aeron;
import io.aeron.exceptions.AeronException;
import org.agrona.CloseHelper;

import java.util.List;
import java.util.function.Supplier;

/**
 * The engine's live alert stream, or a cluster leader's: what is published while the sink listens. It cannot be
 * read again, so outputs published while no sink listens, or dropped by the engine while its alert stream was
 * back-pressured, never reach Kafka; see {@code docs/kafka.md}. When the media driver goes away (the engine's
 * embedded driver, with the engine), it subscribes again through a new Aeron client once the driver is back.
 */
final class AlertStreamFeed implements SinkFeed, AlertListener
{
    private final Supplier<Aeron> aeron;
    private final List<String> channels;
    private final int streamId;
    private Aeron subscribedWith;
    private AlertSubscriber subscriber;
    private Handler handler;

    /**
     * @param aeron    gives the Aeron client to subscribe with: the same one while it lives, a new one after.
     * @param channels one subscription channel per engine (per cluster member).
     * @param streamId the alert stream id.
     */
    AlertStreamFeed(final Supplier<Aeron> aeron, final List<String> channels, final int streamId)
    {
        this.aeron = aeron;
        this.channels = channels;
        this.streamId = streamId;
        subscribe(aeron.get());
    }

    @Override
    public int poll(final Handler handler, final int limit)
    {
        this.handler = handler;
        final Aeron current;
        try
        {
            current = aeron.get();
        }
        catch (final AeronException ex)
        {
            return 0;
        }
        if (current != subscribedWith)
        {
            subscribe(current);
        }
        return subscriber.poll(this, limit);
    }

    private void subscribe(final Aeron client)
    {
        CloseHelper.quietClose(subscriber);
        subscriber = new AlertSubscriber(client, channels, streamId);
        subscribedWith = client;
    }

    /**
     * @return true once the engine's alert publication has reached this feed's subscription.
     */
    boolean isConnected()
    {
        return subscriber.isConnected();
    }

    @Override
    public boolean rewind()
    {
        return false;
    }

    @Override
    public String describe()
    {
        return "the alert stream at " + String.join(", ", channels);
    }

    @Override
    public void onAlert(final AlertDecoder alert)
    {
        handler.onOutput(alert.engineSeq(), alert.buffer(), alert.offset() - MessageHeaderDecoder.ENCODED_LENGTH,
            MessageHeaderDecoder.ENCODED_LENGTH + alert.encodedLength());
    }

    @Override
    public void onWindowResult(final WindowResultDecoder result)
    {
        handler.onOutput(result.engineSeq(), result.buffer(), result.offset() - MessageHeaderDecoder.ENCODED_LENGTH,
            MessageHeaderDecoder.ENCODED_LENGTH + result.encodedLength());
    }

    @Override
    public void onLateEvent(final LateEventDecoder lateEvent)
    {
        handler.onOutput(lateEvent.engineSeq(), lateEvent.buffer(),
            lateEvent.offset() - MessageHeaderDecoder.ENCODED_LENGTH,
            MessageHeaderDecoder.ENCODED_LENGTH + lateEvent.encodedLength());
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(subscriber);
    }
}
