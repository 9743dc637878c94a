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
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

import java.util.List;

/**
 * Subscribes to the engine's alert stream: alerts, window results and late events. The engine publishes them on a
 * multi-destination channel in dynamic control mode, so any number of subscribers can join and leave.
 * <p>
 * A cluster's alerts come from whichever member leads, on that member's alert channel: subscribe to every member's
 * ({@link #AlertSubscriber(Aeron, List, int)}) and the stream follows the leader.
 */
public final class AlertSubscriber implements AutoCloseable
{
    /** Default channel that joins the engine's default alert channel from this host. */
    public static final String DEFAULT_CHANNEL =
        "aeron:udp?endpoint=localhost:0|control=localhost:40124|control-mode=dynamic";

    /** Default alert stream id. */
    public static final int DEFAULT_STREAM_ID = 1003;

    private final Subscription[] subscriptions;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final AlertDecoder alertDecoder = new AlertDecoder();
    private final WindowResultDecoder windowResultDecoder = new WindowResultDecoder();
    private final LateEventDecoder lateEventDecoder = new LateEventDecoder();
    private final FragmentHandler handler = new FragmentAssembler(this::onFragment);
    private final ListenerFailure listenerFailure = new ListenerFailure();
    private AlertListener listener;

    /**
     * @param aeron    Aeron client to subscribe with.
     * @param channel  subscription channel, e.g. {@link #DEFAULT_CHANNEL}.
     * @param streamId alert stream id.
     */
    public AlertSubscriber(final Aeron aeron, final String channel, final int streamId)
    {
        this(aeron, List.of(channel), streamId);
    }

    /**
     * @param aeron    Aeron client to subscribe with.
     * @param channels one subscription channel per publisher, e.g. per member of a cluster, which publishes while it
     *                 leads: {@code aeron:udp?endpoint=localhost:0|control=HOST:PORT|control-mode=dynamic} with each
     *                 member's {@code alerts.channel} control address.
     * @param streamId alert stream id.
     */
    public AlertSubscriber(final Aeron aeron, final List<String> channels, final int streamId)
    {
        subscriptions = new Subscription[channels.size()];
        try
        {
            for (int i = 0; i < subscriptions.length; i++)
            {
                subscriptions[i] = aeron.addSubscription(channels.get(i), streamId);
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(subscriptions);
            throw ex;
        }
    }

    /**
     * What the listener throws comes out of this call, after the fragments read from the same subscription with the
     * one it threw on have been delivered too (the first exception, with any later ones suppressed).
     *
     * @param listener      receives each alert, window result and late event.
     * @param fragmentLimit most fragments to read.
     * @return fragments read.
     * @throws RuntimeException what the listener threw.
     */
    public int poll(final AlertListener listener, final int fragmentLimit)
    {
        this.listener = listener;
        int fragments = 0;
        for (final Subscription subscription : subscriptions)
        {
            fragments += subscription.poll(handler, fragmentLimit - fragments);
            if (fragments >= fragmentLimit || listenerFailure.hasFailed())
            {
                break;
            }
        }
        listenerFailure.rethrow();
        return fragments;
    }

    /**
     * @return true once the engine's alert publication (a cluster leader's) has reached this subscriber.
     */
    public boolean isConnected()
    {
        for (final Subscription subscription : subscriptions)
        {
            if (subscription.isConnected())
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(subscriptions);
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        try
        {
            deliver(buffer, offset);
        }
        catch (final RuntimeException ex)
        {
            listenerFailure.onFailure(ex);
        }
    }

    private void deliver(final DirectBuffer buffer, final int offset)
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
