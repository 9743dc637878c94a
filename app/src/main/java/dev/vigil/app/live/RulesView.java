package dev.vigil.app.live;

import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.rules.config.RuleDefinition;
import dev.vigil.core.rules.config.RulesFile;
import dev.vigil.core.rules.config.WindowDefinition;
import dev.vigil.core.time.Durations;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The rules in force as the page lists them: each rule of the rules file the engine started with, on one line as
 * {@code vigil rules check} prints it, with its alerts and the keys it holds state for, from the engine's counters;
 * then the windowed aggregations.
 */
final class RulesView
{
    private final CounterReadings counters;
    private final Supplier<String> rulesInForce;
    private RulesFile rulesFile;
    private String text;

    /**
     * @param rulesFile    the rules the engine started with.
     * @param counters     the engine's counters.
     * @param rulesInForce the text of the rules in force now, empty when not known; null to show rulesFile only.
     */
    RulesView(final RulesFile rulesFile, final CounterReadings counters, final Supplier<String> rulesInForce)
    {
        this.rulesFile = rulesFile;
        this.counters = counters;
        this.rulesInForce = rulesInForce;
    }

    /**
     * Follow the rules in force: those recovered from the journal or a snapshot, and every update applied since.
     *
     * @return true when they changed since the previous call (names of rules and aggregations may have too).
     */
    boolean refresh()
    {
        final String now = rulesInForce == null ? null : rulesInForce.get();
        if (now == null || now.isEmpty() || now.equals(text))
        {
            return false;
        }
        final boolean changed = text != null || !now.equals(rulesFile.text());
        if (changed)
        {
            // The engine applies only rules that parse, so this parses too; were it ever not so, the text is tried
            // again next time and the error goes to the feed's error handler.
            rulesFile = RulesFile.parse("rules update", now);
        }
        text = now;
        return changed;
    }

    /**
     * @return rule id to name.
     */
    Map<Integer, String> ruleNames()
    {
        final Map<Integer, String> names = new LinkedHashMap<>();
        for (final RuleDefinition rule : rulesFile.rules())
        {
            names.put(rule.id(), rule.name());
        }
        return names;
    }

    /**
     * @return aggregation id to name.
     */
    Map<Integer, String> windowNames()
    {
        final Map<Integer, String> names = new LinkedHashMap<>();
        for (final WindowDefinition window : rulesFile.windows())
        {
            names.put(window.id(), window.name());
        }
        return names;
    }

    /**
     * @param json where the rules and aggregations go, with their counts now.
     */
    void writeJson(final JsonText json)
    {
        json.beginObject().field("source", rulesFile.source()).name("rules").beginArray();
        for (final RuleDefinition rule : rulesFile.rules())
        {
            json.beginObject()
                .field("id", rule.id())
                .field("name", rule.name())
                .field("type", rule.type().typeName())
                .field("key", rule.key())
                .field("action", rule.action().name().toLowerCase(Locale.ROOT))
                .field("enabled", rule.enabled())
                .field("window", rule.windowSizeNs() == 0 ? "" : Durations.format(rule.windowSizeNs()))
                .field("definition", rule.describe());
            count(json, "alerts", EngineCounter.Families.ALERTS_BY_RULE.name(), rule.name());
            count(json, "stateEntries", EngineCounter.Families.STATE_ENTRIES.name(), rule.name());
            count(json, "stateCapacity", EngineCounter.Families.STATE_CAPACITY.name(), rule.name());
            json.endObject();
        }
        json.endArray().name("windows").beginArray();
        for (final WindowDefinition window : rulesFile.windows())
        {
            json.beginObject()
                .field("id", window.id())
                .field("name", window.name())
                .field("enabled", window.enabled())
                .field("definition", window.describe())
                .endObject();
        }
        json.endArray().endObject();
    }

    /**
     * A rule's counter, or null when it has none (a rule without keyed state has no state counters).
     */
    private void count(final JsonText json, final String name, final String family, final String rule)
    {
        final long value = counters.member(family, rule);
        json.name(name);
        if (value < 0)
        {
            json.value((String)null);
        }
        else
        {
            json.value(value);
        }
    }
}
