package dev.vigil.core.rules.attribute;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.rules.RuleHit;
import dev.vigil.core.rules.TransactionKey;
import dev.vigil.core.rules.TransactionRule;

/**
 * A per-key attribute kept over transactions.
 */
public final class TransactionAttributeRule extends AttributeRule implements TransactionRule
{
    private final TransactionKey key;

    /**
     * @param id      the rule's id.
     * @param name    the name expressions read it by.
     * @param key     what it is kept per.
     * @param spec    what it keeps.
     * @param maxKeys most keys tracked.
     */
    public TransactionAttributeRule(
        final int id, final String name, final TransactionKey key, final AttributeSpec spec, final int maxKeys)
    {
        super(id, name, key.stateKey(), spec, maxKeys);
        this.key = key;
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        fields().transaction(txn);
        return keep(key.of(txn), txn.eventTimeNs(), hit);
    }
}
