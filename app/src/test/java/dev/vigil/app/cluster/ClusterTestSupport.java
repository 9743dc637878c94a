package dev.vigil.app.cluster;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RulesStageContext;
import dev.vigil.codecs.InboundFrameValidator;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.core.TestFrames;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.stage.rules.RulesHandler;
import io.aeron.cluster.service.Cluster;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the cluster tests share: bounded waits, the request stream, and the single-process rules stage run offline
 * over the same frames, for reference.
 */
final class ClusterTestSupport
{
    static final long CLIENT_ID = 7;
    static final long START_NS = TimeUnit.DAYS.toNanos(20_000);
    static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private ClusterTestSupport()
    {
    }

    static long deadlineAfterSeconds(final long seconds)
    {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }

    /**
     * Poll a condition until it holds, failing the test once the deadline passes.
     */
    static void await(final BooleanSupplier condition, final long deadlineNs, final String what)
    {
        await(condition, deadlineNs, () -> what);
    }

    /**
     * Poll a condition until it holds, failing the test once the deadline passes with what the condition saw last.
     */
    static void await(final BooleanSupplier condition, final long deadlineNs, final Supplier<String> what)
    {
        final IdleStrategy idle = new BackoffIdleStrategy();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("timed out waiting for " + what.get());
            }
            idle.idle();
        }
    }

    /**
     * @return the member the cluster elected, once exactly one says it leads.
     */
    static TestClusterMember awaitLeader(final List<TestClusterMember> members, final long deadlineNs)
    {
        final TestClusterMember[] leader = new TestClusterMember[1];
        await(() ->
        {
            leader[0] = null;
            int leaders = 0;
            for (final TestClusterMember member : members)
            {
                if (member.service().role() == Cluster.Role.LEADER)
                {
                    leader[0] = member;
                    leaders++;
                }
            }
            return leaders == 1;
        }, deadlineNs, "a leader");
        return leader[0];
    }

    /**
     * Wait until a member's service answers a state hash request, made now.
     *
     * @return the hash.
     */
    static long awaitStateHash(final TestClusterMember member, final long deadlineNs)
    {
        final VigilClusteredService service = member.service();
        final long ticket = service.requestStateHash();
        await(() -> service.isStateHashReady(ticket), deadlineNs, "the state hash of member " + member.memberId());
        return service.stateHash();
    }

    /**
     * Encode request {@code seq} of the test stream: transactions over four accounts, 100 ms of event time apart,
     * every 17th above the amount threshold, so that the amount, velocity and sum rules all fire now and then.
     *
     * @return the frame's length, at offset 0 of the frames' buffer.
     */
    static int request(final TestFrames frames, final long seq)
    {
        final long amount = seq % 17 == 0 ? 2_000_000 : 1_000 + (seq * 7_919) % 400_000;
        return frames.transaction(CLIENT_ID, seq, START_NS + seq * STEP_NS, 1 + seq % 4, amount);
    }

    /**
     * The single-process rules stage, run offline over frames as the engine's journal replay runs it.
     */
    static final class OfflineRules
    {
        private final RulesHandler rules;
        private final RingEvent event;
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private long engineSeq;

        OfflineRules(final VigilConfig config)
        {
            rules = new RulesStageContext(config).newHandler();
            event = new RingEvent(config.getInt(Settings.FRAME_MAX_LENGTH));
        }

        /**
         * Apply one accepted request frame.
         *
         * @return its decision.
         */
        TestClusterClient.Decided apply(final DirectBuffer buffer, final int length)
        {
            engineSeq++;
            event.resetForFrame(FrameKind.EVENT, buffer, 0, length, 0, engineSeq, 0);
            header.wrap(buffer, 0);
            final long clientSeq = InboundFrameValidator.clientSeq(buffer, 0, length);
            event.identify(header.templateId(), InboundFrameValidator.clientId(buffer, 0, length), clientSeq);
            rules.onEvent(event, engineSeq, true);
            return new TestClusterClient.Decided(
                clientSeq, event.decisionEngineSeq(), event.verdict(), event.firedRules());
        }

        long engineSeq()
        {
            return engineSeq;
        }

        long stateHash()
        {
            return VigilClusteredService.stateHashOf(rules);
        }
    }
}
