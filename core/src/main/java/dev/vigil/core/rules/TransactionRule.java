package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;

/**
 * A rule over payment transactions.
 */
public interface TransactionRule extends Rule
{
    /**
     * Judge one transaction and update the rule's state.
     *
     * @param txn flyweight over the transaction, valid only during the call.
     * @param hit filled in when the rule fires.
     * @return a {@link RuleResult} code.
     */
    int onTransaction(TransactionDecoder txn, RuleHit hit);
}
