package dev.vigil.core.stage;

/**
 * A stage handler whose last input can leave work that must be finished before its next input: the stage then
 * holds that input in the ring (back-pressure towards ingress) instead of waiting on its thread, and resumes the
 * work on each of its duty cycles, which keeps several stages sharing one thread going.
 */
public interface InputHold
{
    /**
     * Go on with the work left over from the last input, as far as can be done now; never waits.
     *
     * @return work done, 0 when none.
     */
    int resume();

    /**
     * @return true while the next input must wait; read after each input and after each {@link #resume()}.
     */
    boolean holdsInput();
}
