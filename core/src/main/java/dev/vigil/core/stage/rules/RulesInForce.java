package dev.vigil.core.stage.rules;

import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.RulesUpdateDecoder;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.rules.RuleSetLoader;
import dev.vigil.core.rules.WatermarkRule;
import dev.vigil.core.window.EventTimeWindows;
import org.agrona.DirectBuffer;

/**
 * The rules the rules stage runs, the text they were built from, and their switch to other rules: on a rules update
 * in the input, exactly at its place, or to the rules a snapshot records. Rules and windowed aggregations whose
 * definition is unchanged keep their state; an update that is not valid rules, or whose keyed state does not fit
 * the shared records ({@link KeyedStateStores#bind}), is refused and counted, and the rules in force stay.
 */
final class RulesInForce
{
    /** An update switched the rules. */
    static final int APPLIED = 0;
    /** An update was refused, incomplete or not followed, or is still being assembled: the rules in force stay. */
    static final int UNCHANGED = 1;

    private final RuleEvaluator evaluator;
    private final EventTimeWindows windows;
    private final RulesStageCounters counters;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final RulesUpdateDecoder rulesUpdate = new RulesUpdateDecoder();
    private final RulesUpdateAssembler rulesUpdateAssembler = new RulesUpdateAssembler();
    private RuleSetLoader ruleSetLoader;
    private String rulesText = "";
    private volatile String publishedText = "";
    private boolean followRulesUpdates = true;
    private KeyedStateStores keyedState;

    RulesInForce(final RuleEvaluator evaluator, final EventTimeWindows windows, final RulesStageCounters counters)
    {
        this.evaluator = evaluator;
        this.windows = windows;
        this.counters = counters;
        counters.rulesInForce(evaluator.ruleSet(), null);
    }

    void source(final RuleSetLoader loader, final String rulesText)
    {
        this.ruleSetLoader = loader;
        this.rulesText = rulesText;
        this.publishedText = rulesText;
    }

    void followRulesUpdates(final boolean follow)
    {
        this.followRulesUpdates = follow;
    }

    boolean followsRulesUpdates()
    {
        return followRulesUpdates;
    }

    void keyedState(final KeyedStateStores stores)
    {
        this.keyedState = stores;
        counters.rulesInForce(evaluator.ruleSet(), stores);
    }

    RuleSet ruleSet()
    {
        return evaluator.ruleSet();
    }

    String text()
    {
        return rulesText;
    }

    /**
     * A chunk of a rules update from the input; the last one switches the rules when they are valid.
     *
     * @return {@link #APPLIED} or {@link #UNCHANGED}.
     */
    int onRulesUpdate(final DirectBuffer frame)
    {
        if (!followRulesUpdates)
        {
            return UNCHANGED;
        }
        rulesUpdate.wrapAndApplyHeader(frame, 0, header);
        final int result = rulesUpdateAssembler.onChunk(rulesUpdate);
        if (result == RulesUpdateAssembler.INCOMPLETE)
        {
            counters.engineCounters().get(EngineCounter.RULES_UPDATES_REFUSED_INCOMPLETE).incrementOrdered();
            return UNCHANGED;
        }
        if (result != RulesUpdateAssembler.COMPLETE)
        {
            return UNCHANGED;
        }
        final String text = rulesUpdateAssembler.text();
        final RuleSet ruleSet = build(text);
        if (ruleSet == null || (keyedState != null && !keyedState.bind(ruleSet, evaluator.ruleSet())))
        {
            counters.engineCounters().get(EngineCounter.RULES_UPDATES_REFUSED_INVALID).incrementOrdered();
            return UNCHANGED;
        }
        switchTo(ruleSet, text);
        counters.engineCounters().get(EngineCounter.RULES_UPDATES_APPLIED).incrementOrdered();
        return APPLIED;
    }

    /**
     * Switch to the rules a snapshot records, when their source is known and updates are followed; else keep the
     * rules in force.
     *
     * @param text the rules text the snapshot records.
     * @throws IllegalArgumentException (or another runtime exception of the loader) when they cannot be built.
     */
    void switchToRecorded(final String text)
    {
        if (ruleSetLoader != null && !text.isEmpty() && followRulesUpdates)
        {
            switchTo(ruleSetLoader.load(text, null), text);
        }
    }

    /**
     * Rules added by an update have no per-rule counters: those are created while the engine is built, before its
     * metrics are served.
     */
    private void switchTo(final RuleSet ruleSet, final String text)
    {
        final RuleSet previous = evaluator.ruleSet();
        for (final Rule rule : ruleSet.rules())
        {
            if (rule instanceof WatermarkRule && previous.ruleById(rule.id()) != rule)
            {
                // New or changed: it starts at this place's watermark, as a rule that saw it move here would be.
                ((WatermarkRule)rule).startAt(windows.watermark());
            }
        }
        evaluator.ruleSet(ruleSet);
        counters.rulesInForce(ruleSet, keyedState);
        windows.reconfigure(ruleSet.windows());
        rulesText = text;
        // For readers on other threads (the live page): one ordered write per switch, none per event.
        publishedText = text;
    }

    /**
     * @return the text of the rules in force as last switched to; any thread.
     */
    String publishedText()
    {
        return publishedText;
    }

    private RuleSet build(final String text)
    {
        if (ruleSetLoader == null)
        {
            return null;
        }
        try
        {
            return ruleSetLoader.load(text, evaluator.ruleSet());
        }
        catch (final RuntimeException | LinkageError ex)
        {
            // Bad rules, or a custom rule class that failed to load: refused and counted, the engine runs on.
            return null;
        }
    }
}
