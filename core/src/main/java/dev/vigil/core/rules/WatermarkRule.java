package dev.vigil.core.rules;

import dev.vigil.core.ring.RuleAlerts;

/**
 * A rule that also judges when event time moves on without an event of its own: a sequence pattern whose last step
 * is an absence fires when the watermark passes the end of that absence. The rules stage calls it after each input
 * that moved the watermark; what it raises goes with that input's alerts and changes no decision.
 */
public interface WatermarkRule extends Rule
{
    /**
     * @return whether this rule has anything to judge by the watermark (a pattern without an absence after its last
     * step has not, and is not called).
     */
    boolean judgesByWatermark();

    /**
     * @param watermarkNs the watermark now: no event at or before it is still expected.
     * @param alerts      where alerts go (those of the input that moved the watermark).
     * @return whether the rule raised an alert.
     */
    boolean onWatermark(long watermarkNs, RuleAlerts alerts);
}
