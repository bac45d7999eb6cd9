-- Every raw_billing.refunds row with its disposition: quarantine_reason NULL = staged.
with source_rows as (
    select
        {{ success_clean_id('refund_id') }} as refund_id,
        {{ success_clean_id('invoice_id') }} as invoice_id,
        cast(amount as decimal(18, 4)) as amount,
        {{ success_clean_currency('currency') }} as currency,
        created_at,
        _loaded_at
    from {{ source('raw_billing', 'refunds') }}
),

ranked as (
    {{ success_deduplicated('source_rows', ['refund_id'], ['invoice_id', 'amount', 'currency', 'created_at']) }}
),

invoices as (
    select invoice_id from {{ ref('stg_billing__invoices') }}
)

select
    ranked.refund_id,
    ranked.invoice_id,
    ranked.amount,
    ranked.currency,
    ranked.created_at,
    ranked._loaded_at,
    case
        when ranked.refund_id is null then 'null_key'
        when ranked.is_newest_landing and ranked.has_conflicting_copy then 'conflicting_duplicate'
        when ranked.resync_rank > 1 then 'duplicate_resync'
        when invoices.invoice_id is null then 'orphan_invoice'
        when currencies.currency_code is null then 'unknown_currency'
        when ranked.amount is null or ranked.amount < 0 then 'invalid_amount'
    end as quarantine_reason
from ranked
left join invoices
    on ranked.invoice_id = invoices.invoice_id
left join {{ ref('currencies') }} as currencies
    on ranked.currency = currencies.currency_code
