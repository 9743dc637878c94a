package dev.vigil.app.cli;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.kafka.KafkaFormat;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Options the Kafka source and sink share: where Kafka is, extra client properties, the record format, and how they
 * report.
 */
final class KafkaOptions
{
    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT[,...]",
        description = "Kafka's bootstrap servers")
    String bootstrap;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json",
        description = "json (default) or sbe: the SBE messages as on the engine's wire")
    String format;

    @Option(names = {"-K", "--kafka-property"}, paramLabel = "KEY=VALUE",
        description = "a Kafka client property for every consumer and producer, e.g. security.protocol=SSL; " +
            "repeatable")
    List<String> properties = new ArrayList<>();

    @Option(names = "--stats-interval", paramLabel = "DURATION", defaultValue = "10s",
        description = "print the counters every DURATION on standard error; 0s: only at the end " +
            "(default: ${DEFAULT-VALUE})")
    String statsInterval;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "0",
        description = "serve the counters at http://127.0.0.1:PORT/metrics in the Prometheus format (0: off)")
    int metricsPort;

    /**
     * @return the record format.
     */
    KafkaFormat format()
    {
        try
        {
            return KafkaFormat.of(format);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException("--format " + ex.getMessage());
        }
    }

    /**
     * @return the extra Kafka client properties.
     */
    Map<String, Object> properties()
    {
        final Map<String, Object> parsed = new HashMap<>();
        for (final String property : properties)
        {
            final int equals = property.indexOf('=');
            if (equals <= 0)
            {
                throw new ConfigException("--kafka-property " + property + ": allowed: KEY=VALUE");
            }
            parsed.put(property.substring(0, equals).trim(), property.substring(equals + 1).trim());
        }
        return parsed;
    }

    /**
     * @return nanoseconds between status lines; 0 for none.
     */
    long statsIntervalNs()
    {
        return OptionValues.durationNs("--stats-interval", statsInterval);
    }
}
