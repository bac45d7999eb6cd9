-- Every raw_billing.invoices row with its disposition: quarantine_reason NULL = staged.
with source_rows as (
    select
        {{ success_clean_id('invoice_id') }} as invoice_id,
        {{ success_clean_id('customer_id') }} as customer_id,
        {{ success_clean_id('subscription_id') }} as subscription_id,
        {{ success_clean_currency('currency') }} as currency,
        lower(trim(status)) as status,
        issued_at,
        due_at,
        paid_at,
        period_start,
        period_end,
        cast(subtotal as decimal(18, 4)) as subtotal,
        cast(discount_amount as decimal(18, 4)) as discount_amount,
        cast(tax_amount as decimal(18, 4)) as tax_amount,
        cast(total as decimal(18, 4)) as total,
        cast(amount_paid as decimal(18, 4)) as amount_paid,
        _loaded_at
    from {{ source('raw_billing', 'invoices') }}
),

ranked as (
    {{ success_deduplicated('source_rows', ['invoice_id'], ['customer_id', 'subscription_id', 'currency', 'status', 'issued_at', 'due_at', 'paid_at', 'period_start', 'period_end', 'subtotal', 'discount_amount', 'tax_amount', 'total', 'amount_paid']) }}
),

customers as (
    select customer_id from {{ ref('stg_billing__customers') }}
)

select
    ranked.invoice_id,
    ranked.customer_id,
    ranked.subscription_id,
    ranked.currency,
    ranked.status,
    ranked.issued_at,
    ranked.due_at,
    ranked.paid_at,
    ranked.period_start,
    ranked.period_end,
    ranked.subtotal,
    ranked.discount_amount,
    ranked.tax_amount,
    ranked.total,
    ranked.amount_paid,
    ranked._loaded_at,
    case
        when ranked.invoice_id is null then 'null_key'
        when ranked.is_newest_landing and ranked.has_conflicting_copy then 'conflicting_duplicate'
        when ranked.resync_rank > 1 then 'duplicate_resync'
        when customers.customer_id is null then 'orphan_customer'
        when currencies.currency_code is null then 'unknown_currency'
        when ranked.status not in ('draft', 'open', 'paid', 'void', 'uncollectible')
            or ranked.status is null then 'unknown_status'
        when ranked.total is null then 'missing_amount'
        when ranked.total < 0 then 'negative_total'
    end as quarantine_reason
from ranked
left join customers
    on ranked.customer_id = customers.customer_id
left join {{ ref('currencies') }} as currencies
    on ranked.currency = currencies.currency_code
