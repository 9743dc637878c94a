package dev.vigil.app.demo;

import dev.vigil.client.VigilClient;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A seeded synthetic stream of card payments and orders with fraud and risk patterns injected at known rates:
 * <ul>
 *   <li>large payments above the amount threshold (0.5% of payments), which are also spikes for their account;</li>
 *   <li>bursts of 15 payments from one account in quick succession, tripping the velocity rule;</li>
 *   <li>runaway bursts of 40 orders from one trading account, tripping the order-rate limit;</li>
 *   <li>cards used abroad (0.3% of payments) shortly after a use at home: impossible travel;</li>
 *   <li>fat-finger orders 50% above the market (0.5% of limit orders), outside the price band;</li>
 *   <li>merchant hopping: an account paying 12 different merchants in quick succession, where accounts otherwise
 *   pay a few habitual merchants, tripping the distinct-merchants rule.</li>
 * </ul>
 * Event time is synthetic and advances a fixed step per message, independent of the wall clock, so one seed always
 * produces the same stream and therefore the same decisions. The next message is drawn in advance and only
 * replaced once the engine's ingress accepts it, so a back-pressured send is retried with the same message.
 */
public final class DemoTraffic
{
    /** 2026-01-01T00:00:00Z: where the demo's event time starts. */
    public static final long BASE_EVENT_TIME_NS = 1_767_225_600_000_000_000L;

    private static final int VELOCITY_BURST_LENGTH = 15;
    private static final int ORDER_BURST_LENGTH = 40;
    private static final int HOPPING_BURST_LENGTH = 12;
    private static final int MERCHANTS = 5_000;
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP"};
    private static final String[] COUNTRIES = {"DE", "FR", "GB", "US", "NL"};
    private static final PaymentChannel[] CHANNELS = {PaymentChannel.POS, PaymentChannel.ECOM, PaymentChannel.ATM};

    private final SplittableRandom random;
    private final int accounts;
    private final int tradingAccounts;
    private final long eventStepNs;

    private long eventTimeNs = BASE_EVENT_TIME_NS;
    private long nextId = 1;
    private long velocityBurstAccount;
    private int velocityBurstRemaining;
    private long orderBurstAccount;
    private int orderBurstRemaining;
    private long hoppingAccount;
    private int hoppingRemaining;
    private long transactionsSent;
    private long ordersSent;

    private boolean isOrder;
    private long account;
    private long card;
    private long merchant;
    private long amountMinor;
    private String currency;
    private String country;
    private PaymentChannel channel;
    private long instrument;
    private Side side;
    private OrderType orderType;
    private long price;
    private long quantity;

    /**
     * @param seed        random seed.
     * @param accounts    payment accounts; one in fifty of that number trade orders.
     * @param eventStepNs event time between consecutive messages.
     */
    public DemoTraffic(final long seed, final int accounts, final long eventStepNs)
    {
        this.random = new SplittableRandom(seed);
        this.accounts = accounts;
        this.tradingAccounts = Math.max(1, accounts / 50);
        this.eventStepNs = eventStepNs;
        drawNext();
    }

    /**
     * Send the next message of the stream.
     *
     * @param client where to send it.
     * @return the client sequence, or a negative offer code when nothing was sent.
     */
    public long sendNext(final VigilClient client)
    {
        final long result = isOrder ?
            client.sendOrder(eventTimeNs, nextId, account, instrument, side, orderType, price, quantity) :
            client.sendTransaction(
                eventTimeNs, nextId, account, card, merchant, amountMinor, currency, country, channel);
        if (result > 0)
        {
            if (isOrder)
            {
                ordersSent++;
            }
            else
            {
                transactionsSent++;
            }
            eventTimeNs += eventStepNs;
            nextId++;
            drawNext();
        }
        return result;
    }

    /**
     * The next message of the stream as an event of the Kafka source's JSON format (the columns of the events CSV as
     * members), and move on to the one after.
     *
     * @return one JSON object.
     */
    public String nextJson()
    {
        final StringBuilder json = new StringBuilder(200).append("{\"event_time\":").append(eventTimeNs);
        if (isOrder)
        {
            json.append(",\"type\":\"order\",\"account\":").append(account)
                .append(",\"instrument\":").append(instrument)
                .append(",\"side\":\"").append(side.name().toLowerCase(Locale.ROOT))
                .append("\",\"order_type\":\"").append(orderType.name().toLowerCase(Locale.ROOT))
                .append("\",\"price\":").append(price)
                .append(",\"quantity\":").append(quantity);
            ordersSent++;
        }
        else
        {
            json.append(",\"type\":\"transaction\",\"account\":").append(account)
                .append(",\"card\":").append(card)
                .append(",\"merchant\":").append(merchant)
                .append(",\"amount\":").append(amountMinor)
                .append(",\"currency\":\"").append(currency)
                .append("\",\"country\":\"").append(country)
                .append("\",\"channel\":\"").append(channel.name().toLowerCase(Locale.ROOT)).append('"');
            transactionsSent++;
        }
        eventTimeNs += eventStepNs;
        nextId++;
        drawNext();
        return json.append('}').toString();
    }

    /**
     * @return the account of the next message, e.g. to key it by.
     */
    public long nextAccount()
    {
        return account;
    }

    public long transactionsSent()
    {
        return transactionsSent;
    }

    public long ordersSent()
    {
        return ordersSent;
    }

    private void drawNext()
    {
        isOrder = orderBurstRemaining > 0 ? random.nextBoolean() : random.nextInt(100) < 15;
        if (isOrder)
        {
            drawOrder();
        }
        else
        {
            drawTransaction();
        }
    }

    private void drawTransaction()
    {
        if (velocityBurstRemaining == 0 && random.nextInt(1000) < 2)
        {
            velocityBurstAccount = 1 + random.nextInt(accounts);
            velocityBurstRemaining = VELOCITY_BURST_LENGTH;
        }
        if (hoppingRemaining == 0 && random.nextInt(1000) < 2)
        {
            hoppingAccount = 1 + random.nextInt(accounts);
            hoppingRemaining = HOPPING_BURST_LENGTH;
        }
        final boolean hopping = hoppingRemaining > 0 && random.nextBoolean();
        if (hopping)
        {
            account = hoppingAccount;
            hoppingRemaining--;
        }
        else if (velocityBurstRemaining > 0 && random.nextBoolean())
        {
            account = velocityBurstAccount;
            velocityBurstRemaining--;
        }
        else
        {
            account = 1 + random.nextInt(accounts);
        }

        if (random.nextInt(1000) < 5)
        {
            amountMinor = 1_500_000 + random.nextInt(3_500_000);
        }
        else
        {
            // Each account has its own typical amount (5.00 to 205.00); a payment is half to twice that.
            final long typical = 500 + (account * 7_919) % 20_000;
            amountMinor = typical * (50 + random.nextInt(151)) / 100;
        }
        card = account * 10 + random.nextInt(3);
        // Accounts pay their three habitual merchants, and now and then another; a hopping account pays a new one
        // each time.
        merchant = hopping || random.nextInt(100) < 3 ?
            1 + random.nextInt(MERCHANTS) : 1 + (account * 31 + random.nextInt(3)) % MERCHANTS;
        currency = CURRENCIES[random.nextInt(CURRENCIES.length)];
        // Cards are used in their account's home country, but for a few uses abroad: impossible travel.
        country = random.nextInt(1000) < 3 ?
            COUNTRIES[random.nextInt(COUNTRIES.length)] : COUNTRIES[(int)(account % COUNTRIES.length)];
        channel = CHANNELS[random.nextInt(CHANNELS.length)];
    }

    private void drawOrder()
    {
        if (orderBurstRemaining == 0 && random.nextInt(1000) < 3)
        {
            orderBurstAccount = 1 + random.nextInt(tradingAccounts);
            orderBurstRemaining = ORDER_BURST_LENGTH;
        }
        if (orderBurstRemaining > 0)
        {
            account = orderBurstAccount;
            orderBurstRemaining--;
        }
        else
        {
            account = 1 + random.nextInt(tradingAccounts);
        }

        final boolean market = random.nextInt(10) == 0;
        instrument = 1 + random.nextInt(50);
        side = random.nextBoolean() ? Side.BUY : Side.SELL;
        orderType = market ? OrderType.MARKET : OrderType.LIMIT;
        // Prices stay within 2% of 10,000 ticks, but for a few fat-finger orders at half as much again.
        price = market ? 0 : random.nextInt(1000) < 5 ? 15_000 : 10_000 + random.nextInt(200);
        quantity = 1 + random.nextInt(500);
    }
}
