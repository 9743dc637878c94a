package dev.vigil.app.kafka;

import dev.vigil.client.AlertListener;
import dev.vigil.client.AlertSubscriber;
import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.WindowResultDecoder;
import io.aeron.Aeron;

import java.util.List;

/**
 * The engine's live alert stream, or a cluster leader's: what is published while the sink listens. It cannot be
 * read again, so outputs published while no sink listens, or dropped by the engine while its alert stream was
 * back-pressured, never reach Kafka; see {@code docs/kafka.md}.
 */
final class AlertStreamFeed implements SinkFeed, AlertListener
{
    private final AlertSubscriber subscriber;
    private final List<String> channels;
    private Handler handler;

    /**
     * @param aeron    the Aeron client to subscribe with.
     * @param channels one subscription channel per engine (per cluster member).
     * @param streamId the alert stream id.
     */
    AlertStreamFeed(final Aeron aeron, final List<String> channels, final int streamId)
    {
        this.subscriber = new AlertSubscriber(aeron, channels, streamId);
        this.channels = channels;
    }

    @Override
    public int poll(final Handler handler, final int limit)
    {
        this.handler = handler;
        return subscriber.poll(this, limit);
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
        subscriber.close();
    }
}
