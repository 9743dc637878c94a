package dev.vigil.core.rules.threshold;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.rules.RuleAction;
import dev.vigil.core.rules.RuleHit;
import dev.vigil.core.rules.TransactionKey;
import dev.vigil.core.rules.TransactionRule;

/**
 * A threshold rule over transactions, keyed by account, card or merchant.
 */
public final class TransactionThresholdRule extends ThresholdRule implements TransactionRule
{
    private final TransactionKey key;

    /**
     * @param id      rule id.
     * @param name    rule name.
     * @param action  what a transaction gets when the rule fires.
     * @param key     what the windows are kept by.
     * @param spec    what the rule measures and when it fires; its value over transactions.
     * @param maxKeys most keys of the rule's own store.
     */
    public TransactionThresholdRule(
        final int id,
        final String name,
        final RuleAction action,
        final TransactionKey key,
        final ThresholdSpec spec,
        final int maxKeys)
    {
        super(id, name, action, key.stateKey(), spec, maxKeys);
        this.key = key;
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        fields().transaction(txn);
        return judge(key.of(txn), txn.eventTimeNs(), hit);
    }
}
