package dev.vigil.core.rules.config;

import dev.vigil.core.TestFrames;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleHit;
import dev.vigil.core.rules.RuleResult;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.rules.TransactionRule;
import dev.vigil.core.window.WindowInput;
import dev.vigil.core.window.WindowSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RulesFileTest
{
    private static final String HEADER = "rules:\n";

    private final TestFrames frames = new TestFrames();
    private final RuleHit hit = new RuleHit();

    @Test
    void severalRulesOfOneTypeWithDifferentParametersAndKeysWork()
    {
        final RuleSet ruleSet = build(HEADER +
            velocity(1, "per-account", "account", 2) +
            velocity(2, "per-card", "card", 3) +
            velocity(3, "per-merchant", "merchant", 100) +
            "  - id: 4\n    name: big\n    type: amount-threshold\n    parameters: {max-amount: 10}\n" +
            "    action: decline\n    enabled: false\n");
        assertEquals(3, ruleSet.rules().size(), "the disabled rule is not built");

        final TransactionRule perAccount = (TransactionRule)ruleSet.ruleById(1);
        final TransactionRule perCard = (TransactionRule)ruleSet.ruleById(2);
        int accountFired = 0;
        int cardFired = 0;
        for (int i = 1; i <= 4; i++)
        {
            frames.transaction(1, i, i, 7, 100);
            accountFired += perAccount.onTransaction(frames.decodeTransaction(), hit) == RuleResult.FIRED ? 1 : 0;
            cardFired += perCard.onTransaction(frames.decodeTransaction(), hit) == RuleResult.FIRED ? 1 : 0;
        }
        assertEquals(2, accountFired, "the third and fourth transaction of the account exceed 2");
        assertEquals(1, cardFired, "the fourth use of the card exceeds 3");
        assertEquals(71, hit.key(), "keyed by the card: account 7's card is 71");
    }

    @Test
    void everyErrorIsReportedWithFileLineFieldAndWhatIsAllowed()
    {
        final RulesFileException ex = assertThrows(RulesFileException.class, () -> RulesFile.parse("r.yaml", HEADER +
            "  - id: 0\n" +                                 // 2
            "    name: a\n" +
            "    type: amount-threshold\n" +
            "    parameters: {max-amount: lots}\n" +        // 5 wrong type
            "    action: decline\n" +
            "    colour: red\n" +                           // 7 unknown field
            "  - id: 0\n" +                                 // 8 duplicate id
            "    name: b\n" +
            "    type: amount-threshold\n" +
            "    parameters: {max-amount: 5}\n" +
            "    action: decline\n" +
            "  - id: 64\n" +                                // 13 out of range
            "    name: c\n" +
            "    type: velocity\n" +                        // missing window
            "    parameters: {max-count: [1]}\n" +          // 16 a list where a value belongs
            "    action: review\n" +
            "  - id: 5\n" +
            "    name: d\n" +
            "    type: teleport\n" +                        // 20 unknown type
            "  - id: 6\n" +
            "    type: spike\n" +                           // missing name and action
            "    parameters: {factor: 10, alpha-percent: 10, min-history: 5}\n"));
        final List<String> errors = ex.errors();
        assertTrue(errors.contains("r.yaml:5: rule 'a': field 'parameters.max-amount': 'lots' is not allowed; " +
            "allowed: an integer in [0, 9223372036854775807]"), errors.toString());
        assertTrue(errors.contains("r.yaml:7: rule 'a': unknown field 'colour'; allowed: id, name, type, key, " +
            "window, parameters, class, where, input, aggregate, value, above, at-least, below, at-most, pattern, " +
            "keep, action, enabled, description"), errors.toString());
        assertTrue(errors.contains("r.yaml:8: rule 'b': field 'id': 0 is already the id of rule 'a'; " +
            "allowed: an id used once"), errors.toString());
        assertTrue(errors.contains("r.yaml:13: rule 'c': field 'id': '64' is not allowed; " +
            "allowed: an integer in [0, 63]"), errors.toString());
        assertTrue(errors.contains("r.yaml:13: rule 'c': field 'window' is missing; allowed: a mapping with 'size' " +
            "and 'slide', e.g. {size: 60s, slide: 1s}"), errors.toString());
        assertTrue(errors.contains("r.yaml:16: rule 'c': field 'parameters.max-count': wrong type, a list where " +
            "a single value belongs; allowed: a single value"), errors.toString());
        assertTrue(errors.contains("r.yaml:18: rule 'd': field 'action' is missing; allowed: every rule has id, " +
            "name, type and action"), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("r.yaml:20: rule 'd': field 'type': unknown type " +
            "'teleport'; allowed: amount-threshold, velocity,")), errors.toString());
        assertTrue(errors.contains("r.yaml:21: rules[4]: field 'name' is missing; allowed: every rule has id, " +
            "name, type and action"), errors.toString());
        assertTrue(errors.contains("r.yaml:21: rules[4]: field 'action' is missing; allowed: every rule has id, " +
            "name, type and action"), errors.toString());
        assertEquals(10, errors.size(), errors.toString());
    }

    @Test
    void yamlSyntaxAndUnknownSectionsNameTheirLine()
    {
        final RulesFileException syntax = assertThrows(RulesFileException.class,
            () -> RulesFile.parse("r.yaml", HEADER + "  - id: 1\n   name: x\n"));
        assertTrue(syntax.getMessage().startsWith("r.yaml:3: not valid YAML:"), syntax.getMessage());

        final RulesFileException section = assertThrows(RulesFileException.class,
            () -> RulesFile.parse("r.yaml", "rulez: []\n"));
        assertEquals(List.of("r.yaml:1: top level: unknown section 'rulez'; allowed: rules, windows",
            "r.yaml:1: top level: no 'rules:' or 'windows:' section; allowed: a 'rules:' list of rules, a " +
            "'windows:' list of windowed aggregations, or both"), section.errors());
    }

    @Test
    void theWindowsSectionDefinesTumblingSlidingAndSessionAggregations()
    {
        final RulesFile file = RulesFile.parse("r.yaml", HEADER + velocity(1, "a", "account", 2) +
            "windows:\n" +
            "  - {id: 1, name: spend, type: tumbling, key: card, size: 1m, offset: 10s, allowed-lateness: 5s}\n" +
            "  - {id: 2, name: flow, type: sliding, input: orders, key: instrument, value: quantity, size: 1m,\n" +
            "     slide: 10s, max-keys: 100, max-windows: 1000}\n" +
            "  - {id: 3, name: visits, type: session, key: merchant, gap: 30m}\n" +
            "  - {id: 4, name: off, type: tumbling, size: 1s, enabled: false, description: not now}\n");
        assertEquals(List.of(
            "spend (tumbling) transactions by card of amount size 1m offset 10s allowed-lateness 5s",
            "flow (sliding) orders by instrument of quantity size 1m slide 10s",
            "visits (session) transactions by merchant of amount gap 30m",
            "off (tumbling) transactions by account of amount size 1s"),
            file.windows().stream().map(WindowDefinition::describe).toList());

        final List<WindowSpec> specs = new RuleSetBuilder(16).build(file, null).windows();
        assertEquals(List.of(1, 2, 3), specs.stream().map(WindowSpec::id).toList(), "the disabled one is not built");
        assertEquals(WindowSpec.tumbling(1, "spend", WindowInput.TRANSACTIONS, WindowInput.Key.CARD,
            WindowInput.Value.AMOUNT, 60_000_000_000L, 10_000_000_000L, 5_000_000_000L, 16, 64), specs.get(0));
        assertEquals(WindowSpec.sliding(2, "flow", WindowInput.ORDERS, WindowInput.Key.INSTRUMENT,
            WindowInput.Value.QUANTITY, 60_000_000_000L, 10_000_000_000L, 0, 0, 100, 1000), specs.get(1));
        assertEquals(WindowSpec.session(3, "visits", WindowInput.TRANSACTIONS, WindowInput.Key.MERCHANT,
            WindowInput.Value.AMOUNT, 1_800_000_000_000L, 0, 16, 64), specs.get(2));
    }

    @Test
    void aFileOfWindowsAloneIsValid()
    {
        final RulesFile file = RulesFile.parse("r.yaml", "windows:\n  - {id: 0, name: w, type: session, gap: 1s}\n");
        assertEquals(0, file.rules().size());
        assertEquals(1, new RuleSetBuilder(16).build(file, null).windows().size());
    }

    @Test
    void everyWindowErrorNamesItsLineFieldAndWhatIsAllowed()
    {
        final RulesFileException ex = assertThrows(RulesFileException.class, () -> RulesFile.parse("r.yaml",
            "windows:\n" +
            "  - id: 1\n" +                               // 2
            "    name: a\n" +
            "    type: hopping\n" +                       // 4 unknown type
            "  - id: 1\n" +                               // 5 id used twice
            "    name: b\n" +
            "    type: sliding\n" +
            "    size: 1m\n" +
            "    slide: 7s\n" +                           // 9 does not divide
            "  - id: 2\n" +
            "    name: c\n" +
            "    type: session\n" +
            "    input: orders\n" +
            "    key: card\n" +                           // 14 orders have no card
            "    size: 1m\n" +                            // 15 a session has a gap
            "  - id: 3\n" +                               // 16 gap missing
            "    name: d\n" +
            "    type: session\n" +
            "    allowed-lateness: soon\n" +              // 19 not a duration
            "  - id: 4\n" +
            "    name: e\n" +
            "    type: tumbling\n" +
            "    size: 1m\n" +
            "    offset: 2m\n"));                         // 24 offset past the size
        final List<String> errors = ex.errors();
        assertTrue(errors.contains("r.yaml:4: window 'a': field 'type': unknown type 'hopping'; allowed: tumbling, " +
            "sliding, session"), errors.toString());
        assertTrue(errors.contains("r.yaml:5: window 'b': field 'id': 1 is already the id of window 'a'; allowed: " +
            "an id used once among windows"), errors.toString());
        assertTrue(errors.contains("r.yaml:9: window 'b': field 'slide' does not divide 'size' into at most 100000 " +
            "steps; allowed: a slide that divides the size, e.g. size 1m slide 10s"), errors.toString());
        assertTrue(errors.contains("r.yaml:14: window 'c': field 'key': orders have no card; allowed: account, " +
            "instrument, client"), errors.toString());
        assertTrue(errors.contains("r.yaml:15: window 'c': field 'size': a session window has no size; allowed: gap"),
            errors.toString());
        assertTrue(errors.contains("r.yaml:16: window 'd': field 'gap' is missing; allowed: a duration in [1ms, " +
            "8784h] like 500ms, 60s, 1m or 1h"), errors.toString());
        assertTrue(errors.contains("r.yaml:19: window 'd': field 'allowed-lateness': 'soon' is not allowed; " +
            "allowed: a duration in [0ms, 8784h] like 500ms, 60s, 1m or 1h"), errors.toString());
        assertTrue(errors.contains("r.yaml:24: window 'e': field 'offset' is not shorter than the size; allowed: " +
            "an offset shorter than the size"), errors.toString());
        assertTrue(errors.contains("r.yaml:10: window 'c': field 'gap' is missing; allowed: a duration in [1ms, " +
            "8784h] like 500ms, 60s, 1m or 1h"), errors.toString());
        assertEquals(9, errors.size(), errors.toString());
    }

    @Test
    void aCustomRuleClassThatIsNotARuleIsAnErrorAtItsLine()
    {
        final RulesFileException notARule = assertThrows(RulesFileException.class, () -> RulesFile.parse("r.yaml",
            HEADER + "  - {id: 1, name: x, type: custom, class: java.lang.String, action: review}\n"));
        assertTrue(notARule.getMessage().contains("field 'class': class java.lang.String implements neither"),
            notARule.getMessage());
    }

    @Test
    void anUpdateKeepsUnchangedRulesWithTheirStateAndRebuildsChangedOnes()
    {
        final RuleSetBuilder builder = new RuleSetBuilder(16);
        final RuleSet before = build(HEADER + velocity(1, "a", "account", 2) + velocity(2, "b", "account", 2));
        final RuleSet after = builder.build(RulesFile.parse("r.yaml", HEADER + velocity(1, "a", "account", 2) +
            velocity(2, "b", "account", 5) + velocity(3, "c", "account", 2)), before);

        assertSame(before.ruleById(1), after.ruleById(1), "unchanged: the same rule, state and all");
        assertNotSame(before.ruleById(2), after.ruleById(2), "changed: a new rule, empty");
        final Rule added = after.ruleById(3);
        assertEquals("c", added.name());
        assertEquals(3, after.rules().size());
    }

    private RuleSet build(final String yaml)
    {
        return new RuleSetBuilder(16).build(RulesFile.parse("r.yaml", yaml), null);
    }

    private static String velocity(final int id, final String name, final String key, final int maxCount)
    {
        return "  - id: " + id + "\n" +
            "    name: " + name + "\n" +
            "    type: velocity\n" +
            "    key: " + key + "\n" +
            "    window: {size: 60s, slide: 1s}\n" +
            "    parameters: {max-count: " + maxCount + "}\n" +
            "    action: review\n";
    }
}
