-- Invoices: one row per invoice of a known customer in a known currency.
select
    invoice_id,
    customer_id,
    subscription_id,
    currency,
    status,
    issued_at,
    due_at,
    paid_at,
    period_start,
    period_end,
    subtotal,
    discount_amount,
    tax_amount,
    total,
    amount_paid,
    _loaded_at as loaded_at
from {{ ref('audit_billing__invoices') }}
where quarantine_reason is null
