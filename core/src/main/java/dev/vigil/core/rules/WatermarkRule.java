package dev.vigil.core.rules;

import dev.vigil.core.ring.RuleAlerts;

/**
 * A rule that also judges when event time moves on without an event of its own: a sequence pattern whose last step
 * is an absence fires when the watermark passes the end of that absence. The rules stage calls it after each input;
 * what it raises goes with that input's alerts and changes no decision.
 */
public interface WatermarkRule extends Rule
{
    /**
     * @return whether this rule has anything to judge by the watermark (a pattern without an absence after its last
     * step has not, and is not called).
     */
    boolean judgesByWatermark();

    /**
     * A rule added by a rules update starts at the watermark of the update's place in the input, as if it had seen
     * it move there: what it would judge before that is late.
     *
     * @param watermarkNs the watermark at the update.
     */
    void startAt(long watermarkNs);

    /**
     * Called after every input; judges what the watermark now allows, as much as {@code alerts} has room for and at
     * most a bounded number of keys (what is left is judged after the next inputs).
     *
     * @param watermarkNs the watermark now: no event at or before it is still expected.
     * @param alerts      where alerts go (those of the input).
     */
    void onWatermark(long watermarkNs, RuleAlerts alerts);
}
