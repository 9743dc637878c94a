package dev.vigil.core.stage.egress;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Where egress sends encoded replies: one session per connected client, plus one alert stream. The engine
 * implements it over Aeron publications; offline runs implement it over files.
 */
public interface ReplySink
{
    /** The reply was handed to the transport. */
    int SENT = 0;
    /** No session is open for that transport session id: nowhere to reply. */
    int NO_SESSION = 1;
    /** The session exists but the reply could not be delivered (back-pressure past the retry budget, closed). */
    int FAILED = 2;
    /** The alert stream is back-pressured: nothing was published, and the same alert may be offered again later. */
    int BACK_PRESSURED = 3;

    /**
     * Open the reply path of a client whose session ingress has just opened. The engine has built and connected that
     * path before the session opened; offline runs have nothing to open.
     *
     * @param sessionId transport session of the client's requests.
     * @param clientId  the client's id.
     * @return true when the session is open and replies can flow.
     */
    boolean openSession(int sessionId, long clientId);

    /**
     * Release the reply path of a client.
     *
     * @param sessionId transport session of the client's requests.
     */
    void closeSession(int sessionId);

    /**
     * Claim room for one reply on a client's reply path, to be encoded in place: on {@link #SENT}, encode the reply
     * into {@link #claimedBuffer()} from {@link #claimedOffset()}, then {@link #commit()} it, before any other call
     * to the sink. Claiming first and encoding in place saves the copy an encode-then-offer makes; a back-pressured
     * path is retried by the claim, before anything is encoded.
     *
     * @param sessionId transport session of the client's requests.
     * @param length    of the reply, header included.
     * @return {@link #SENT} when the room is claimed (the reply leaves on commit), {@link #NO_SESSION} or
     * {@link #FAILED}, when there is nothing to encode or commit.
     */
    int claim(int sessionId, int length);

    /**
     * @return the buffer of the last successful {@link #claim}.
     */
    MutableDirectBuffer claimedBuffer();

    /**
     * @return where in {@link #claimedBuffer()} the claimed reply starts.
     */
    int claimedOffset();

    /**
     * Send the reply encoded into the last successful {@link #claim}.
     */
    void commit();

    /**
     * Background work of the reply path, run by the egress stage on every duty cycle, e.g. finishing sessions whose
     * reply channels were still connecting.
     *
     * @return work done, 0 when none.
     */
    default int doDutyCycle()
    {
        return 0;
    }

    /**
     * Publish one encoded alert to whoever subscribes to alerts.
     *
     * @param buffer holding the encoded alert.
     * @param offset of the alert.
     * @param length of the alert.
     * @return {@link #SENT}, {@link #FAILED} (including nobody subscribed) or {@link #BACK_PRESSURED} (subscribers
     * are behind: offer it again later, or give it up).
     */
    int publishAlert(DirectBuffer buffer, int offset, int length);
}
