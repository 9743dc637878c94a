package dev.vigil.app.config;

import dev.vigil.core.rules.config.RuleDefinition;
import dev.vigil.core.rules.config.RuleSetBuilder;
import dev.vigil.core.rules.config.RulesFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RulesFilesTest
{
    @Test
    void theDefaultRulesFileHoldsTheRulesTheSettingsUsedToDefine()
    {
        // config/rules.yaml, bundled: the rules 0-8 with the parameters the rules.* settings had as defaults.
        final RulesFile rules = RulesFiles.read(Path.of(RulesFiles.DEFAULT_PATH));
        assertEquals(List.of(
            "amount-threshold (amount-threshold) key account max-amount 1000000 -> decline",
            "account-velocity (velocity) key account window 1m slide 1s max-count 10 -> review",
            "order-rate (order-rate) key account window 1s slide 100ms max-count 20 -> decline",
            "amount-sum (amount-sum) key account window 1h slide 1m max-amount 5000000 -> review",
            "impossible-travel (impossible-travel) key card within 1h -> review",
            "card-testing (card-testing) key card small-max 200 large-min 100000 within 10m -> decline",
            "notional (notional) key account-instrument window 1m slide 1s max-notional 100000000 -> decline",
            "amount-spike (spike) key account factor 10 alpha-percent 10 min-history 5 -> review",
            "price-band (price-band) key instrument basis-points 500 -> decline",
            "distinct-merchants (distinct-merchants) key account window 10m max-merchants 8 -> review"),
            rules.rules().stream().map(RuleDefinition::describe).toList());
        for (int id = 0; id < rules.rules().size(); id++)
        {
            assertEquals(id, rules.rules().get(id).id());
        }
        assertEquals(10, new RuleSetBuilder(16).build(rules, null).rules().size());
    }
}
