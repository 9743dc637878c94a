package dev.vigil.client;

import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.WindowResultDecoder;
import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;

/**
 * Subscribes to the engine's alert stream: alerts, window results and late events. The engine publishes them on a
 * multi-destination channel in dynamic control mode, so any number of subscribers can join and leave.
 */
public final class AlertSubscriber implements AutoCloseable
{
    /** Default channel that joins the engine's default alert channel from this host. */
    public static final String DEFAULT_CHANNEL =
        "aeron:udp?endpoint=localhost:0|control=localhost:40124|control-mode=dynamic";

    /** Default alert stream id. */
    public static final int DEFAULT_STREAM_ID = 1003;

    private final Subscription subscription;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final AlertDecoder alertDecoder = new AlertDecoder();
    private final WindowResultDecoder windowResultDecoder = new WindowResultDecoder();
    private final LateEventDecoder lateEventDecoder = new LateEventDecoder();
    private final FragmentHandler handler = new FragmentAssembler(this::onFragment);
    private AlertListener listener;

    /**
     * @param aeron    Aeron client to subscribe with.
     * @param channel  subscription channel, e.g. {@link #DEFAULT_CHANNEL}.
     * @param streamId alert stream id.
     */
    public AlertSubscriber(final Aeron aeron, final String channel, final int streamId)
    {
        subscription = aeron.addSubscription(channel, streamId);
    }

    /**
     * @param listener      receives each alert, window result and late event.
     * @param fragmentLimit most fragments to read.
     * @return fragments read.
     */
    public int poll(final AlertListener listener, final int fragmentLimit)
    {
        this.listener = listener;
        return subscription.poll(handler, fragmentLimit);
    }

    /**
     * @return true once the engine's alert publication has reached this subscriber.
     */
    public boolean isConnected()
    {
        return subscription.isConnected();
    }

    @Override
    public void close()
    {
        subscription.close();
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        headerDecoder.wrap(buffer, offset);
        switch (headerDecoder.templateId())
        {
            case AlertDecoder.TEMPLATE_ID:
                listener.onAlert(alertDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder));
                break;
            case WindowResultDecoder.TEMPLATE_ID:
                listener.onWindowResult(windowResultDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder));
                break;
            case LateEventDecoder.TEMPLATE_ID:
                listener.onLateEvent(lateEventDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder));
                break;
            default:
                break;
        }
    }
}
