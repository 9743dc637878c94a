package dev.vigil.core.rules;

import dev.vigil.core.state.RecordStore;
import org.agrona.UnsafeApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class KeyedStateStoresTest
{
    private static final long SEC = 1_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void rulesOfOneStateKeyShareOneRecordInSlicesOfTheirOwn() throws IOException
    {
        final AmountSpikeRule spike = new AmountSpikeRule(1, "spike", RuleAction.REVIEW, 10, 0.1, 5, 100);
        final AccountVelocityRule velocity =
            new AccountVelocityRule(2, "velocity", RuleAction.REVIEW, 10, 10 * SEC, SEC, 100);
        final ImpossibleTravelRule travel = new ImpossibleTravelRule(3, "travel", RuleAction.REVIEW, SEC, 100);
        final RuleSet rules = new RuleSet(List.of(
            new AmountThresholdRule(0, "amount", RuleAction.DECLINE, 1_000), spike, velocity, travel));

        try (KeyedStateStores stores =
            new KeyedStateStores(rules, 1_000, 4_096, KeyedStateStores.persistedIn(dir)))
        {
            final RecordStore accounts = stores.store(StateKey.ACCOUNT);
            assertNotNull(accounts);
            assertNotNull(stores.store(StateKey.CARD));
            assertNull(stores.store(StateKey.MERCHANT));
            assertSame(accounts, spike.stateStore());
            assertSame(accounts, velocity.stateStore());
            assertEquals(0, spike.stateOffset());
            assertEquals(16, velocity.stateOffset());
            assertEquals(0, accounts.recordBytes() % 64);
            assertTrue(accounts.recordBytes() >= 16 + velocity.stateBytes());
            assertEquals(1_000, spike.stateCapacity());
            assertTrue(Files.exists(dir.resolve(
                "account-1000x" + accounts.recordBytes() + ".cmap")), "one map file per state key");
        }
    }

    @Test
    void refusesRulesNeedingMoreThanTheLargestRecord()
    {
        final RuleSet rules = new RuleSet(List.of(
            new AccountVelocityRule(1, "velocity", RuleAction.REVIEW, 10, 100 * SEC, SEC, 100)));

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new KeyedStateStores(rules, 100, 1_024, KeyedStateStores.inMemory()));

        assertTrue(ex.getMessage().contains("the account rules need 1640 bytes"), ex.getMessage());
        assertTrue(ex.getMessage().contains("rules.state.max.record.bytes=1024"), ex.getMessage());
    }

    @Test
    void updateKeepsUnchangedRulesSlicesAndGivesNewRulesZeroedFreeSpace() throws IOException
    {
        final AmountSpikeRule spike = new AmountSpikeRule(1, "spike", RuleAction.REVIEW, 10, 0.1, 5, 100);
        final PriceBandRule band = new PriceBandRule(2, "band", RuleAction.DECLINE, 500, 100);
        final CardTestingRule cardTesting = new CardTestingRule(3, "card", RuleAction.DECLINE, 200, 100_000, SEC, 100);
        final RuleSet before = new RuleSet(List.of(spike, band, cardTesting));
        try (KeyedStateStores stores = new KeyedStateStores(before, 100, 4_096, KeyedStateStores.inMemory()))
        {
            final RecordStore accounts = stores.store(StateKey.ACCOUNT);
            final long record = accounts.recordAddress(42);
            UnsafeApi.putLong(record, 7);
            UnsafeApi.putLong(record + 16, 99);

            // The spike rule stays; a second account rule arrives; its slice is zeroed in records that exist.
            final AmountSpikeRule secondSpike = new AmountSpikeRule(4, "spike-2", RuleAction.REVIEW, 5, 0.1, 5, 100);
            final RuleSet after = new RuleSet(List.of(spike, secondSpike));
            assertTrue(stores.bind(after, before));

            assertSame(accounts, secondSpike.stateStore());
            assertEquals(0, spike.stateOffset());
            assertEquals(16, secondSpike.stateOffset());
            assertEquals(7, UnsafeApi.getLong(record), "the kept rule keeps its state");
            assertEquals(0, UnsafeApi.getLong(record + 16), "the new rule starts from zero");

            // A rule of a state key with no store cannot be placed: refused, nothing changes.
            final NotionalRule notional = new NotionalRule(5, "notional", RuleAction.REVIEW, 5, SEC, SEC, 100);
            assertFalse(stores.bind(new RuleSet(List.of(spike, notional)), after));
            assertNull(stores.store(StateKey.ACCOUNT_INSTRUMENT));

            // Nor can one that does not fit the record.
            final AccountVelocityRule velocity =
                new AccountVelocityRule(6, "velocity", RuleAction.REVIEW, 10, 1_000 * SEC, SEC, 100);
            assertFalse(stores.bind(new RuleSet(List.of(spike, velocity)), after));
            assertEquals(16, secondSpike.stateOffset());
        }
    }
}
