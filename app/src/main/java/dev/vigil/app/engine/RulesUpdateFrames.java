package dev.vigil.app.engine;

import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.RulesUpdateEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes a rules file's text as {@code RulesUpdate} frames, each short enough for one ring slot, so that the text
 * travels through the ring and into the journal like any input.
 */
public final class RulesUpdateFrames
{
    private static final int OVERHEAD = MessageHeaderEncoder.ENCODED_LENGTH + RulesUpdateEncoder.BLOCK_LENGTH +
        RulesUpdateEncoder.rulesTextHeaderLength();

    private RulesUpdateFrames()
    {
    }

    /**
     * @param rulesText      the rules file's text.
     * @param updateId       identifies the update; the same in each of its frames.
     * @param maxFrameLength the engine's {@code frame.max.length}.
     * @return the frames, in order.
     * @throws IllegalArgumentException when the text needs more chunks than a frame can number.
     */
    public static List<byte[]> encode(final String rulesText, final long updateId, final int maxFrameLength)
    {
        final byte[] text = rulesText.getBytes(StandardCharsets.UTF_8);
        final int chunkBytes = maxFrameLength - OVERHEAD;
        final int chunkCount = Math.max(1, (text.length + chunkBytes - 1) / chunkBytes);
        if (chunkCount > 0xFFFF)
        {
            throw new IllegalArgumentException("rules text of " + text.length + " bytes is too long to send");
        }
        final List<byte[]> frames = new ArrayList<>(chunkCount);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[maxFrameLength]);
        final RulesUpdateEncoder encoder = new RulesUpdateEncoder();
        for (int i = 0; i < chunkCount; i++)
        {
            final int from = i * chunkBytes;
            final int length = Math.min(chunkBytes, text.length - from);
            encoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                .updateId(updateId)
                .chunkIndex(i)
                .chunkCount(chunkCount)
                .putRulesText(text, from, length);
            final int frameLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
            frames.add(Arrays.copyOf(buffer.byteArray(), frameLength));
        }
        return frames;
    }
}
