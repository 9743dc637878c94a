package dev.vigil.app.session;

import org.agrona.collections.Int2ObjectHashMap;

/**
 * At most so many session-opening frames ({@code Connect}, {@code ChallengeResponse}) per second from one transport
 * session, checked before anything in them is parsed: a sender that floods Connects costs the ingress thread a map
 * lookup per frame, not a channel parse and the garbage it makes. Fixed one-second windows per session; forgotten
 * when the session's image goes. Owned by the ingress thread.
 */
final class ConnectRateLimit
{
    private static final long WINDOW_NS = 1_000_000_000L;

    private final int perSecond;
    private final Int2ObjectHashMap<Window> windowBySession = new Int2ObjectHashMap<>();

    /**
     * @param perSecond frames allowed per session per second, at least 1.
     */
    ConnectRateLimit(final int perSecond)
    {
        this.perSecond = perSecond;
    }

    /**
     * @param sessionId transport session the frame came on.
     * @param nowNs     the ingress clock.
     * @return true when the frame may be handled; false when the session has used its frames for this second.
     */
    boolean tryAcquire(final int sessionId, final long nowNs)
    {
        Window window = windowBySession.get(sessionId);
        if (window == null)
        {
            window = new Window();
            window.startNs = nowNs;
            windowBySession.put(sessionId, window);
        }
        else if (nowNs - window.startNs >= WINDOW_NS)
        {
            window.startNs = nowNs;
            window.count = 0;
        }
        if (window.count >= perSecond)
        {
            return false;
        }
        window.count++;
        return true;
    }

    /**
     * @param sessionId a transport session that went away.
     */
    void forget(final int sessionId)
    {
        windowBySession.remove(sessionId);
    }

    private static final class Window
    {
        long startNs;
        int count;
    }
}
