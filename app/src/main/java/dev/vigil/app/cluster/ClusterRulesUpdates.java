package dev.vigil.app.cluster;

import dev.vigil.codecs.InboundFrameValidator;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.RulesUpdateDecoder;
import dev.vigil.codecs.RulesUpdateOutcome;
import dev.vigil.codecs.RulesUpdateResultEncoder;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.stage.egress.ReplySink;
import io.aeron.cluster.service.ClientSession;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Rules reloads through a cluster's log: which sessions may send a {@code RulesUpdate} (those of
 * {@code cluster.admin.client.id}, bound to it as any client session is), and the answer it gets
 * ({@code RulesUpdateResult}), taken from what the rules stage counted while it applied it. Every member makes the
 * same call from the log, so they switch rules at the same input; only the leader's answer is sent.
 * <p>
 * An update travels whole, as one message of the log (up to an eighth of {@code cluster.log.term.length}): the
 * cluster may snapshot between any two messages, and a snapshot does not hold an update half assembled, so a
 * member started from one could not finish an update the others finish. One in several chunks is refused as
 * malformed.
 */
final class ClusterRulesUpdates
{
    private static final int RESULT_LENGTH =
        MessageHeaderEncoder.ENCODED_LENGTH + RulesUpdateResultEncoder.BLOCK_LENGTH;

    private final long adminClientId;
    private final ClientBindings bindings;
    private final InboundFrameValidator validator;
    private final AtomicCounter applied;
    private final AtomicCounter refusedInvalid;
    private final AtomicCounter refusedIncomplete;
    private final AtomicCounter refusedMalformed;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final RulesUpdateDecoder update = new RulesUpdateDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final RulesUpdateResultEncoder result = new RulesUpdateResultEncoder();
    private long updateId;
    private int chunkIndex;
    private long appliedBefore;
    private long invalidBefore;
    private long incompleteBefore;

    /**
     * @param adminClientId  the client id whose sessions may replace the rules; 0 for none.
     * @param bindings       which client id each session speaks for.
     * @param maxUpdateLength longest update accepted: an eighth of the log's term length, its longest message.
     * @param counters       where the rules stage counts updates.
     */
    ClusterRulesUpdates(
        final long adminClientId, final ClientBindings bindings, final int maxUpdateLength,
        final EngineCounters counters)
    {
        this.adminClientId = adminClientId;
        this.bindings = bindings;
        this.validator = new InboundFrameValidator(maxUpdateLength);
        this.applied = counters.get(EngineCounter.RULES_UPDATES_APPLIED);
        this.refusedInvalid = counters.get(EngineCounter.RULES_UPDATES_REFUSED_INVALID);
        this.refusedIncomplete = counters.get(EngineCounter.RULES_UPDATES_REFUSED_INCOMPLETE);
        this.refusedMalformed = counters.get(EngineCounter.RULES_UPDATES_REFUSED_MALFORMED);
    }

    /**
     * @param buffer holding a frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return true when the frame says it is a {@code RulesUpdate}, well formed or not.
     */
    boolean isRulesUpdate(final DirectBuffer buffer, final int offset, final int length)
    {
        return length >= MessageHeaderDecoder.ENCODED_LENGTH &&
            header.wrap(buffer, offset).templateId() == RulesUpdateDecoder.TEMPLATE_ID &&
            header.schemaId() == RulesUpdateDecoder.SCHEMA_ID;
    }

    /**
     * Decide whether a {@code RulesUpdate} goes to the rules stage.
     *
     * @param session the sender.
     * @param buffer  holding the frame.
     * @param offset  of the frame.
     * @param length  of the frame.
     * @return null when it goes to the rules stage (call {@link #beforeApply} first and {@link #outcome} after);
     * else the answer to give at once.
     */
    RulesUpdateOutcome admit(final ClientSession session, final DirectBuffer buffer, final int offset, final int length)
    {
        updateId = 0;
        chunkIndex = 0;
        if (validator.validateRulesUpdate(buffer, offset, length) != null)
        {
            refusedMalformed.incrementOrdered();
            return RulesUpdateOutcome.REFUSED_MALFORMED;
        }
        update.wrapAndApplyHeader(buffer, offset, header);
        updateId = update.updateId();
        chunkIndex = update.chunkIndex();
        if (update.chunkCount() != 1)
        {
            refusedMalformed.incrementOrdered();
            return RulesUpdateOutcome.REFUSED_MALFORMED;
        }
        if (adminClientId == 0 || session == null || !bindings.speaksFor(session.id(), adminClientId))
        {
            return RulesUpdateOutcome.NOT_ALLOWED;
        }
        return null;
    }

    /**
     * Note where the counters stand before the rules stage takes the chunk.
     */
    void beforeApply()
    {
        appliedBefore = applied.get();
        invalidBefore = refusedInvalid.get();
        incompleteBefore = refusedIncomplete.get();
    }

    /**
     * @return what the rules stage did with the chunk, as it counted it.
     */
    RulesUpdateOutcome outcome()
    {
        if (applied.get() != appliedBefore)
        {
            return RulesUpdateOutcome.APPLIED;
        }
        if (refusedInvalid.get() != invalidBefore)
        {
            return RulesUpdateOutcome.REFUSED_INVALID;
        }
        return refusedIncomplete.get() != incompleteBefore ?
            RulesUpdateOutcome.REFUSED_INCOMPLETE : RulesUpdateOutcome.CHUNK_TAKEN;
    }

    /**
     * Answer the sender of the last chunk admitted or refused.
     *
     * @param sink      the reply sink, replying to the session being applied.
     * @param sessionId that session, as the slot knows it.
     * @param outcome   what became of the chunk.
     * @param engineSeq the engine sequence it was applied at, 0 for none.
     */
    void answer(final ReplySink sink, final int sessionId, final RulesUpdateOutcome outcome, final long engineSeq)
    {
        if (sink.claim(sessionId, RESULT_LENGTH) == ReplySink.SENT)
        {
            result.wrapAndApplyHeader(sink.claimedBuffer(), sink.claimedOffset(), headerEncoder)
                .updateId(updateId)
                .chunkIndex(chunkIndex)
                .engineSeq(engineSeq)
                .outcome(outcome);
            sink.commit();
        }
    }
}
