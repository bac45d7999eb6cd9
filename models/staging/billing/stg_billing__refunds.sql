-- Refunds and credit notes: one row per refund of a known invoice.
select
    refund_id,
    invoice_id,
    amount,
    currency,
    created_at,
    _loaded_at as loaded_at
from {{ ref('audit_billing__refunds') }}
where quarantine_reason is null
