package dev.vigil.app.config;

import dev.vigil.core.time.Durations;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine's effective configuration: every {@link Setting} with its default, overridden by a configuration
 * file ({@code key = value} lines, {@code #} comments) and then by command-line overrides, each value validated
 * where it is read, with errors that say which setting, which value, where, and what is allowed.
 */
public final class VigilConfig
{
    private final Map<String, String> values;
    private final Map<String, String> sources;

    private VigilConfig(final Map<String, String> values, final Map<String, String> sources)
    {
        this.values = values;
        this.sources = sources;
    }

    /**
     * @return every setting at its default.
     */
    public static VigilConfig defaults()
    {
        return builder().build();
    }

    /**
     * @return a builder that starts from the defaults.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @param setting a setting.
     * @return its value as text, canonical form.
     */
    public String get(final Setting setting)
    {
        return values.get(setting.name());
    }

    /**
     * @param setting a setting.
     * @return where its value came from: {@code default}, {@code FILE:LINE} or {@code --set}.
     */
    public String sourceOf(final Setting setting)
    {
        return sources.get(setting.name());
    }

    public int getInt(final Setting setting)
    {
        return Math.toIntExact(Long.parseLong(get(setting)));
    }

    public long getLong(final Setting setting)
    {
        return Long.parseLong(get(setting));
    }

    public boolean getBoolean(final Setting setting)
    {
        return Boolean.parseBoolean(get(setting));
    }

    public long getDurationNs(final Setting setting)
    {
        return Durations.parseNs(get(setting));
    }

    /**
     * @return every value by setting name, in declaration order.
     */
    public Map<String, String> values()
    {
        return Collections.unmodifiableMap(values);
    }

    /**
     * @param name a setting name.
     * @param value a new value.
     * @return a copy with that setting changed.
     */
    public VigilConfig with(final String name, final String value)
    {
        return new Builder(this).set(name, value, "override").build();
    }

    /**
     * Collects values from the defaults, a file and overrides, validating each.
     */
    public static final class Builder
    {
        private final Map<String, String> values = new LinkedHashMap<>();
        private final Map<String, String> sources = new LinkedHashMap<>();

        private Builder()
        {
            for (final Setting setting : Settings.ALL)
            {
                values.put(setting.name(), setting.defaultValue());
                sources.put(setting.name(), "default");
            }
        }

        private Builder(final VigilConfig config)
        {
            values.putAll(config.values);
            sources.putAll(config.sources);
        }

        /**
         * Read a configuration file.
         *
         * @param file a file of {@code key = value} lines.
         * @return this.
         * @throws ConfigException when the file is unreadable, a line is wrong, or a setting is set twice, naming
         *                         file and line.
         */
        public Builder file(final Path file)
        {
            final Map<String, Integer> lineOfSetting = new HashMap<>();
            try (TextLineReader reader = TextLineReader.open(file, "configuration file"))
            {
                String rawLine;
                while ((rawLine = reader.readLine()) != null)
                {
                    final String line = rawLine.trim();
                    final int lineNumber = reader.lineNumber();
                    final String source = file + ":" + lineNumber;
                    if (line.isEmpty() || line.startsWith("#"))
                    {
                        continue;
                    }
                    final int equals = line.indexOf('=');
                    if (equals <= 0)
                    {
                        throw new ConfigException(source + ": expected 'setting = value', found '" + line + "'");
                    }
                    final String name = line.substring(0, equals).trim();
                    final Integer earlierLine = lineOfSetting.putIfAbsent(name, lineNumber);
                    if (earlierLine != null)
                    {
                        throw new ConfigException(source + ": setting '" + name + "' is set twice in " + file +
                            ", at lines " + earlierLine + " and " + lineNumber + "; allowed: once per file");
                    }
                    set(name, line.substring(equals + 1).trim(), source);
                }
            }
            return this;
        }

        /**
         * Apply an override written as {@code name=value}.
         *
         * @param assignment the override.
         * @return this.
         */
        public Builder override(final String assignment)
        {
            final int equals = assignment.indexOf('=');
            if (equals <= 0)
            {
                throw new ConfigException("--set " + assignment + ": expected --set setting=value");
            }
            return set(assignment.substring(0, equals).trim(), assignment.substring(equals + 1), "--set");
        }

        /**
         * Set one value.
         *
         * @param name   setting name.
         * @param value  value as written.
         * @param source where it was written.
         * @return this.
         */
        public Builder set(final String name, final String value, final String source)
        {
            final Setting setting = Settings.byName(name);
            if (setting == null)
            {
                throw new ConfigException(source + ": unknown setting '" + name + "'; known settings: " +
                    String.join(", ", Settings.names()));
            }
            values.put(name, setting.validate(value, source));
            sources.put(name, source);
            return this;
        }

        /**
         * @return the configuration, after cross-setting checks.
         */
        public VigilConfig build()
        {
            final VigilConfig config = new VigilConfig(new LinkedHashMap<>(values), new LinkedHashMap<>(sources));
            Settings.checkConsistency(config);
            return config;
        }
    }
}
