package dev.vigil.app.kafka;

import java.util.Locale;

/**
 * How the Kafka connectors encode record values: events read by the source, decisions and outputs written.
 */
public enum KafkaFormat
{
    /** One JSON object per record. */
    JSON,
    /** The SBE message itself, as on the engine's wire. */
    SBE;

    /**
     * @param name {@code json} or {@code sbe}, any case.
     * @return the format.
     * @throws IllegalArgumentException naming what is allowed.
     */
    public static KafkaFormat of(final String name)
    {
        return switch (name.toLowerCase(Locale.ROOT))
        {
            case "json" -> JSON;
            case "sbe" -> SBE;
            default -> throw new IllegalArgumentException("'" + name + "'; allowed: json, sbe");
        };
    }
}
