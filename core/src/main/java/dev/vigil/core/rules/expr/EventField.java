package dev.vigil.core.rules.expr;

import dev.vigil.core.window.WindowInput;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields an expression may name, by the messages that carry them.
 */
enum EventField
{
    AMOUNT("amount", WindowInput.TRANSACTIONS, ExprType.AMOUNT, new FieldNodes.Amount()),
    CURRENCY("currency", WindowInput.TRANSACTIONS, ExprType.CURRENCY, new FieldNodes.Currency()),
    COUNTRY("country", WindowInput.TRANSACTIONS, ExprType.COUNTRY, new FieldNodes.Country()),
    CHANNEL("channel", WindowInput.TRANSACTIONS, ExprType.CHANNEL, new FieldNodes.Channel()),
    MERCHANT("merchant", WindowInput.TRANSACTIONS, ExprType.NUMBER, new FieldNodes.Merchant()),
    TRANSACTION_ACCOUNT("account", WindowInput.TRANSACTIONS, ExprType.NUMBER, new FieldNodes.TransactionAccount()),
    CARD("card", WindowInput.TRANSACTIONS, ExprType.NUMBER, new FieldNodes.Card()),
    TRANSACTION_TIME("event-time", WindowInput.TRANSACTIONS, ExprType.NUMBER, new FieldNodes.TransactionTime()),
    PRICE("price", WindowInput.ORDERS, ExprType.NUMBER, new FieldNodes.Price()),
    QUANTITY("quantity", WindowInput.ORDERS, ExprType.NUMBER, new FieldNodes.Quantity()),
    NOTIONAL("notional", WindowInput.ORDERS, ExprType.NUMBER, new FieldNodes.Notional()),
    SIDE("side", WindowInput.ORDERS, ExprType.SIDE, new FieldNodes.OrderSide()),
    ORDER_TYPE("order-type", WindowInput.ORDERS, ExprType.ORDER_TYPE, new FieldNodes.OrderKind()),
    ORDER_ACCOUNT("account", WindowInput.ORDERS, ExprType.NUMBER, new FieldNodes.OrderAccount()),
    INSTRUMENT("instrument", WindowInput.ORDERS, ExprType.NUMBER, new FieldNodes.Instrument()),
    ORDER_TIME("event-time", WindowInput.ORDERS, ExprType.NUMBER, new FieldNodes.OrderTime());

    private final String fieldName;
    private final WindowInput input;
    private final ExprType type;
    private final LongNode node;

    EventField(final String fieldName, final WindowInput input, final ExprType type, final LongNode node)
    {
        this.fieldName = fieldName;
        this.input = input;
        this.type = type;
        this.node = node;
    }

    /**
     * @param name  a field name as written.
     * @param input the messages the expression reads.
     * @return the field, or null when those messages have none by that name.
     */
    static EventField of(final String name, final WindowInput input)
    {
        for (final EventField field : values())
        {
            if (field.input == input && field.fieldName.equals(name))
            {
                return field;
            }
        }
        return null;
    }

    /**
     * @param input the messages.
     * @return the names of their fields, in this order, for error messages.
     */
    static List<String> namesOf(final WindowInput input)
    {
        final List<String> names = new ArrayList<>();
        for (final EventField field : values())
        {
            if (field.input == input)
            {
                names.add(field.fieldName);
            }
        }
        return names;
    }

    String fieldName()
    {
        return fieldName;
    }

    ExprType type()
    {
        return type;
    }

    LongNode node()
    {
        return node;
    }
}
