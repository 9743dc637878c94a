package dev.vigil.app.session;

import dev.vigil.codecs.ChallengeEncoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.RejectEncoder;
import dev.vigil.codecs.RejectReason;
import io.aeron.ExclusivePublication;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What the session gate says to a connecting client on the reply channel it built: a {@code Challenge}, or the
 * {@code Reject} of a failed authentication. Each is offered once; the gate decides what a refused offer means.
 */
final class HandshakeReplies
{
    private static final int SEND_BUFFER_LENGTH = 1024;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ChallengeEncoder challenge = new ChallengeEncoder();
    private final RejectEncoder reject = new RejectEncoder();
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(new byte[SEND_BUFFER_LENGTH]);

    /**
     * @param publication the client's reply publication, connected.
     * @param clientId    the id the client claims.
     * @param bytes       the challenge, at most 512 bytes.
     * @return true when the publication took it.
     */
    boolean challenge(final ExclusivePublication publication, final long clientId, final byte[] bytes)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + challenge
            .wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
            .clientId(clientId)
            .putChallenge(bytes, 0, bytes.length)
            .encodedLength();
        return publication.offer(sendBuffer, 0, length) > 0;
    }

    /**
     * Tell the client it did not prove its id. Offered once: the client may have gone, and closing the publication
     * afterwards lingers long enough to send it.
     *
     * @param publication        the client's reply publication.
     * @param clientId           the id the client claimed.
     * @param receivedTemplateId what the client sent last, Connect or ChallengeResponse.
     */
    void authenticationFailed(final ExclusivePublication publication, final long clientId, final int receivedTemplateId)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + reject
            .wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
            .clientId(clientId)
            .clientSeq(0)
            .engineSeq(0)
            .reason(RejectReason.AUTHENTICATION_FAILED)
            .receivedTemplateId(receivedTemplateId)
            .receivedSchemaId(MessageHeaderDecoder.SCHEMA_ID)
            .receivedVersion(MessageHeaderDecoder.SCHEMA_VERSION)
            .receivedLength(0)
            .encodedLength();
        publication.offer(sendBuffer, 0, length);
    }
}
