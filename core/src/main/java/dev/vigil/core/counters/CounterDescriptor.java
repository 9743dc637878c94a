package dev.vigil.core.counters;

/**
 * One counter in the engine's counters file and its Prometheus export, described once: {@link EngineCounters} creates
 * the counter labelled {@code "vigil " + label()} and exports it as a member of {@link #family()}, so
 * {@code vigil stat}'s row and the metrics sample both come from here. Implemented by the enums of each owner's
 * counters ({@link EngineCounter}, {@link WindowCounter}, the session gate's).
 */
public interface CounterDescriptor
{
    /**
     * @return the label after the {@code vigil } prefix, stable: {@code vigil stat}, AeronStat and dashboards find
     * the counter by it.
     */
    String label();

    /**
     * @return the Prometheus family the counter is exported in.
     */
    CounterFamily family();

    /**
     * @return the value of the family's label for this counter, or null (the default) when the family has one member.
     */
    default String labelValue()
    {
        return null;
    }
}
