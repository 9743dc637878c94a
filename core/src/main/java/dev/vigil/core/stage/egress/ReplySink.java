package dev.vigil.core.stage.egress;

import org.agrona.DirectBuffer;

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
     * Send one encoded reply to a client.
     *
     * @param sessionId transport session of the client's requests.
     * @param buffer    holding the encoded reply.
     * @param offset    of the reply.
     * @param length    of the reply.
     * @return {@link #SENT}, {@link #NO_SESSION} or {@link #FAILED}.
     */
    int send(int sessionId, DirectBuffer buffer, int offset, int length);

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
